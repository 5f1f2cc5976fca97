using Fairway.Simulation;

namespace Fairway.Cli.Commands;

internal static class SimulationRunner
{
    public static BatchReport Run(SimulationOptions options, int seeds) => SimulationBatch.Run(options, seeds);

    public static SimulationResult RunOne(SimulationOptions options) => Simulator.Run(options);
}
