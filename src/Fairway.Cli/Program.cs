using System.CommandLine;
using Fairway.Cli.Commands;

var root = new RootCommand("fairway: a fair-ordering shared sequencer network for rollups");
root.Subcommands.Add(DevnetCommand.Create());
root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(GenesisCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(SubmitCommand.Create());
root.Subcommands.Add(StakeCommand.Create());
root.Subcommands.Add(ForceIncludeCommand.Create());
root.Subcommands.Add(UnstakeCommand.Create());
root.Subcommands.Add(EvidenceCommand.Create());
root.Subcommands.Add(SimCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ChaosCommand.Create());
root.Subcommands.Add(MevLabCommand.Create());
root.Subcommands.Add(RollupCommand.Create());
root.Subcommands.Add(AuditCommand.Create());
var parsed = root.Parse(args);
// SIGTERM cancels the running command's token; the command then has this long to stop what it started (validators,
// etcd members, mounts) before the process exits. System.CommandLine's default of 2 s cut the bench's shutdown short
// and left its validators running.
return L1Cli.ParseErrorExit(parsed) ?? parsed.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
