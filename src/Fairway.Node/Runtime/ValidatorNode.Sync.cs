using Fairway.Storage;

namespace Fairway.Node.Runtime;

/// <summary>Serves firm heights whole to full nodes that follow this validator (<c>GET /v1/sync/block/{height}</c>).</summary>
public sealed partial class ValidatorNode
{
    public byte[]? FirmBlockBytes(ulong height)
    {
        if (height == 0 || height > _query.IndexedHeight || _chain.GetCommitted(height) is not { OutputCertificate: not null } committed)
        {
            return null;
        }

        return new FirmBlock(committed, StoredBatches(committed.Block)).Encode();
    }
}
