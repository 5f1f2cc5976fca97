namespace Fairway.Simulation;

/// <summary>How the faulty validators of a simulated run misbehave.</summary>
public enum ByzantineKind
{
    /// <summary>Nobody misbehaves (crashes and network faults still happen).</summary>
    None,

    /// <summary>When it leads, signs two different blocks for its round and shows each to a different part of the network.</summary>
    EquivocatingLeader,

    /// <summary>Two nodes run with the same key, each otherwise honest, as in Diem's Twins.</summary>
    Twins,

    /// <summary>Never sends anything.</summary>
    Silent,

    /// <summary>Sends everything late: longer than a round normally lasts.</summary>
    Delay,

    /// <summary>When it leads, proposes digests of batches it never sends to anyone; otherwise honest.</summary>
    WithholdBatches,

    /// <summary>
    /// Runs consensus honestly but signs a wrong output header for every committed height: the output of a block in
    /// which it slipped a transaction of its own in front (front-running), which no honest validator computes.
    /// </summary>
    WrongOutput,

    /// <summary>
    /// Runs consensus honestly and front-runs: on seeing an honest client's transaction in a peer's batch, it sends one of
    /// its own in the same namespace, and when it leads it proposes its own batch ahead of the victim's. The faulty
    /// validators collude (one front-run per victim). What the <c>fair</c> policy exists to defeat.
    /// </summary>
    FrontRunner,

    /// <summary>
    /// Runs consensus honestly but censors the rollup of namespace 1: its lists never name that namespace's
    /// transactions, and when it leads it carries as few honest lists as a quorum allows (those naming fewest victims)
    /// and leaves out the batches that hold them. The faulty validators collude.
    /// </summary>
    Censor,

    /// <summary>
    /// Runs consensus honestly but sends invalid decryption shares: alternately, by height, shares whose value is wrong
    /// (their proofs fail) and no shares at all. Honest validators must still decrypt everything and keep the bad shares
    /// as evidence. Only under the <c>encrypted</c> policy.
    /// </summary>
    BadShares,

    /// <summary>
    /// Runs consensus honestly, but whenever it leads it proposes an epoch change the stake table never had, giving
    /// itself twice the stake of any other validator. Honest voters check every change against their own view of the stake table and refuse it.
    /// Only with <c>--epoch-changes</c>.
    /// </summary>
    StakeGrab,

    /// <summary>
    /// Censors the L1 inbox: whenever it leads it includes no inbox entry (its block keeps its parent's inbox index),
    /// and it votes for any proposal whatever its inbox section. Honest voters refuse a block that leaves out an entry
    /// past its deadline. Turns the simulated L1 inbox on.
    /// </summary>
    CensorInbox,

    /// <summary>
    /// Works against the express lane (<c>--policy auction</c>): its lists never name the express lane's bundles, and when
    /// it leads it carries as few honest lists as a quorum allows (those naming fewest bundles), leaves the batches that
    /// carry bundles out of its own and proposes the rest in reverse order. The faulty validators collude. The fair rules
    /// must still bring every bundle in through the honest lists, in sequence order: a faulty leader delays, never reorders.
    /// </summary>
    ReorderExpress,
}

public static class ByzantineKindNames
{
    public static string ToCliName(this ByzantineKind kind) => kind switch
    {
        ByzantineKind.None => "none",
        ByzantineKind.EquivocatingLeader => "equivocating-leader",
        ByzantineKind.Twins => "twins",
        ByzantineKind.Silent => "silent",
        ByzantineKind.Delay => "delay",
        ByzantineKind.WithholdBatches => "withhold-batches",
        ByzantineKind.WrongOutput => "wrong-output",
        ByzantineKind.FrontRunner => "front-runner",
        ByzantineKind.Censor => "censor",
        ByzantineKind.BadShares => "bad-shares",
        ByzantineKind.StakeGrab => "stake-grab",
        ByzantineKind.CensorInbox => "censor-inbox",
        ByzantineKind.ReorderExpress => "reorder-express",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? name, out ByzantineKind kind)
    {
        foreach (var k in Enum.GetValues<ByzantineKind>())
        {
            if (string.Equals(k.ToCliName(), name, StringComparison.Ordinal))
            {
                kind = k;
                return true;
            }
        }

        kind = ByzantineKind.None;
        return false;
    }
}
