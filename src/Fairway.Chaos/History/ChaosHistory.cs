namespace Fairway.Chaos.History;

/// <summary>Everything a campaign recorded, on one clock (ms since campaign start); the checker's only input.</summary>
public sealed record ChaosHistory(
    IReadOnlyList<ClientOp> Ops,
    IReadOnlyList<StreamDelivery> Deliveries,
    IReadOnlyList<StreamReconnect> Reconnects,
    IReadOnlyList<NodeOutputs> Outputs,
    IReadOnlyList<FaultRecord> Faults,
    IReadOnlyList<ProgressSample> Progress,
    long EndMs);
