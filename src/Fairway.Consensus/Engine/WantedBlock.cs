namespace Fairway.Consensus.Engine;

/// <summary>A block the engine needs from peers, and when it last asked for it.</summary>
internal sealed class WantedBlock
{
    public long RequestedAtTick { get; set; } = long.MinValue;

    public bool Requested => RequestedAtTick != long.MinValue;
}
