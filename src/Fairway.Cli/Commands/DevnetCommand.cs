using System.CommandLine;
using Fairway.Simulation;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway devnet</c>. Until the networked validator node exists, this runs four validators inside the deterministic
/// simulator and shows their progress, so the command a newcomer types already shows consensus working.
/// </summary>
internal static class DevnetCommand
{
    public static Command Create()
    {
        var validators = new Option<int>("--validators") { Description = "number of validators", DefaultValueFactory = _ => 4 };
        var rounds = new Option<int>("--rounds") { Description = "rounds to run", DefaultValueFactory = _ => 200 };
        var command = new Command("devnet", "run a local network (for now: simulated validators in one process)") { validators, rounds };
        command.SetAction(result =>
        {
            var n = result.GetValue(validators);
            Console.WriteLine($"fairway devnet: the networked validator node is not built yet; running {n} simulated validators instead.");
            var options = new SimulationOptions { Nodes = n, Rounds = result.GetValue(rounds), Seed = (ulong)Environment.TickCount64 };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"fairway devnet: {e.Message}");
                return 2;
            }

            var r = Simulator.Run(options);
            Console.WriteLine($"  seed {r.Seed}: reached round {r.RoundsReached}, each validator committed {r.CommittedBlocks.Min()}..{r.CommittedBlocks.Max()} blocks in {r.Ticks} ticks");
            Console.WriteLine(r.Failed ? "  an invariant broke: " + string.Join("; ", r.SafetyViolations) : "  all validators agree on the committed chain");
            return r.Failed ? 1 : 0;
        });
        return command;
    }
}
