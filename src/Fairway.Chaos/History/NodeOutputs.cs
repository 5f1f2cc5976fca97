namespace Fairway.Chaos.History;

/// <summary>
/// A node's namespace output read at the end, heights 1..its tip. Complete is false when the node could not be read
/// fully; such a node is only compared where it has data.
/// </summary>
public sealed record NodeOutputs(int Node, ulong Namespace, IReadOnlyDictionary<ulong, HeightOutput> Heights, bool Complete);

/// <summary>One height of a namespace's output: its hash and its transactions in namespace order.</summary>
public sealed record HeightOutput(string OutputHash, IReadOnlyList<string> Transactions);
