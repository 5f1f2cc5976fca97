using Fairway.Storage;

namespace Fairway.Node.Runtime;

/// <summary>Serves firm heights whole to full nodes that follow this validator (<c>GET /v1/sync/block/{height}</c>).</summary>
public sealed partial class ValidatorNode
{
    public byte[]? FirmBlockBytes(ulong height) => height <= _query.IndexedHeight ? _chain.FirmBlockAt(height)?.Encode() : null;
}
