namespace Fairway.Chaos.History;

/// <summary>Each node's committed height at one moment (index = node; null: unreachable), sampled about every 500 ms.</summary>
public sealed record ProgressSample(long AtMs, IReadOnlyList<ulong?> Heights);
