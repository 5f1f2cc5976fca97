using Fairway.Core.Chain;
using Fairway.Core.Output;

namespace Fairway.Storage;

/// <summary>
/// A final block, the QC that certifies it, and its ordered output (the ordering stage's result). Once validators
/// holding more than the faulty stake have signed the output's header, <see cref="OutputCertificate"/> is set: the block
/// is then <c>firm</c>.
/// </summary>
public sealed record CommittedBlock(Block Block, QuorumCertificate Certificate, BlockOutput Output)
{
    public ulong Height => Block.Height;

    /// <summary>The block's transactions in output order.</summary>
    public IReadOnlyList<Transaction> Transactions => Output.Transactions;

    public OutputCertificate? OutputCertificate { get; init; }
}
