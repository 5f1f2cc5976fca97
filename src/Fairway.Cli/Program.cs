using System.CommandLine;
using Fairway.Cli.Commands;

var root = new RootCommand("fairway: a fair-ordering shared sequencer network for rollups");
root.Subcommands.Add(SimCommand.Create());
root.Subcommands.Add(DevnetCommand.Create());
return root.Parse(args).Invoke();
