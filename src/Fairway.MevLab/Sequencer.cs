using Fairway.Simulation;

namespace Fairway.MevLab;

/// <summary>
/// The sequencers the lab compares, each as a simulated network with and without its adversary: the same flow through
/// both shows what the adversary's power costs users.
/// </summary>
public static class Sequencer
{
    public static readonly IReadOnlyList<string> All = ["centralized", "fcfs", "fair", "encrypted"];

    /// <summary>
    /// <c>centralized</c>: one operator runs all four validators (replicas, one owner) honestly as a chain, but orders
    /// every proposal for profit and reads what clients hand it first. The others: four validators under that policy, one
    /// of them (f) a front-runner, which leads its share of rounds.
    /// </summary>
    internal static SimulationOptions Options(string name, bool adversarial, ulong seed, double minutes, IOrderFlow flow) => name switch
    {
        "centralized" => Common(seed, minutes, flow) with { Nodes = 4, Policy = "fcfs", MevOperator = adversarial },
        "fcfs" or "fair" or "encrypted" => Common(seed, minutes, flow) with
        {
            Nodes = 4,
            Policy = name,
            Byzantine = adversarial ? ByzantineKind.FrontRunner : ByzantineKind.None,
            Faulty = adversarial ? 1 : 0,
        },
        _ => throw new ArgumentException($"unknown sequencer \"{name}\": centralized, fcfs, fair or encrypted"),
    };

    private static SimulationOptions Common(ulong seed, double minutes, IOrderFlow flow) => new()
    {
        Seed = seed,
        Flow = flow,
        Namespaces = 3,
        FaultPhaseTicks = (long)(minutes * 60_000 / new SimulationOptions().TickMs),
        TransactionsPerRound = 0,
    };
}
