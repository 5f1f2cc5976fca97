namespace Fairway.Chaos.History;

/// <summary>One node's view of one namespace: the unit outputs and streams are kept per.</summary>
internal readonly record struct NodeStream(int Node, ulong Namespace) : IComparable<NodeStream>
{
    public int CompareTo(NodeStream other) =>
        Namespace != other.Namespace ? Namespace.CompareTo(other.Namespace) : Node.CompareTo(other.Node);

    public override string ToString() => $"node {Node} namespace {Namespace}";
}

/// <summary>A transaction is identified inside its namespace: positions are per namespace.</summary>
internal readonly record struct TxKey(ulong Namespace, string Tx);

/// <summary>Where a transaction sits: its height and its index among the namespace's transactions at that height.</summary>
internal readonly record struct TxPosition(ulong Height, int Index)
{
    public override string ToString() => $"({Height}, {Index})";
}
