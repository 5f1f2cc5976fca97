using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>The fault mix the README's tables use: 4 validators, 300 rounds, loss, partitions and crashes.</summary>
internal static class Scenarios
{
    public static readonly SimulationOptions Faults = new()
    {
        Nodes = 4,
        Rounds = 300,
        Loss = 0.05,
        PartitionProbability = 0.02,
        CrashProbability = 0.01,
    };
}
