using Fairway.Core.Chain;

namespace Fairway.Storage;

/// <summary>A final block, the QC that certifies it, and its transactions in their final order.</summary>
public sealed record CommittedBlock(Block Block, QuorumCertificate Certificate, IReadOnlyList<Transaction> Transactions)
{
    public ulong Height => Block.Height;
}
