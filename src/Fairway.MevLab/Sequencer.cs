using Fairway.Simulation;

namespace Fairway.MevLab;

/// <summary>
/// The sequencers the lab compares, each as a simulated network with and without its adversary: the same flow through
/// both shows what the adversary's power costs users.
/// </summary>
public static class Sequencer
{
    public static readonly IReadOnlyList<string> All = ["centralized", "fcfs", "fair", "encrypted", "auction"];

    /// <summary>The <c>auction</c> sequencer's epoch: a lane every two simulated seconds, 30 auctions a simulated minute.</summary>
    public const ulong AuctionEpochMs = 2_000;

    /// <summary>
    /// <c>centralized</c>: one operator runs all four validators (replicas, one owner) honestly as a chain, but orders
    /// every proposal for profit and reads what clients hand it first. The others: four validators under that policy, one
    /// of them (f) a front-runner, which leads its share of rounds. <c>auction</c>: four honest validators, every
    /// namespace selling its express lane each <see cref="AuctionEpochMs"/>; the adversary is a searcher that bids for the
    /// AMM's lane (a share of what it expects to earn there, against a rival bidding a smaller share and two simulated
    /// bidders bidding little) and, holding it, puts its front-runs first through priority bundles.
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
        "auction" => Common(seed, minutes, flow) with
        {
            Nodes = 4,
            Policy = "auction",
            AuctionEpochMs = AuctionEpochMs,
            AuctionBidders = 2,
        },
        _ => throw new ArgumentException($"unknown sequencer \"{name}\": centralized, fcfs, fair, encrypted or auction"),
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
