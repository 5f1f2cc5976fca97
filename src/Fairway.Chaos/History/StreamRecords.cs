namespace Fairway.Chaos.History;

/// <summary>One height delivered by a node's namespace stream, transactions in namespace order.</summary>
public sealed record StreamDelivery(
    int Node,
    ulong Namespace,
    ulong Height,
    string OutputHash,
    IReadOnlyList<string> Transactions,
    long AtMs);

/// <summary>
/// The reader (re)subscribed to a node's stream from this height. Recording one at the first subscription too lets the
/// checker know where the stream was asked to start.
/// </summary>
public sealed record StreamReconnect(int Node, ulong Namespace, ulong ResumeFromHeight, long AtMs);
