namespace Fairway.Consensus.Engine;

/// <summary>A block the engine needs from peers: when it last asked, and whom.</summary>
internal sealed class WantedBlock
{
    public long RequestedAtTick { get; set; } = long.MinValue;

    public int Peer { get; set; } = -1;

    public bool Requested => RequestedAtTick != long.MinValue;
}
