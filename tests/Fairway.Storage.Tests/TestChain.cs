using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Storage.Tests;

/// <summary>
/// A structurally real chain for storage tests: genesis, then blocks at increasing heights and rounds whose Justify
/// names the parent, each with one batch of transactions and a certificate naming it. Signatures are fake bytes,
/// since stores do not verify them.
/// </summary>
internal sealed class TestChain
{
    public static readonly Hash ChainId = Hash.Compute("fairway storage tests"u8);

    public TestChain(int blocks, int transactionsPerBlock, ulong @namespace = 7)
    {
        Genesis = Block.Genesis(ChainId);
        var parentQc = QuorumCertificate.Genesis(Genesis.Hash);
        for (var h = 1; h <= blocks; h++)
        {
            var transactions = Enumerable.Range(0, transactionsPerBlock)
                .Select(i => new Transaction(@namespace, Payload(h, i)))
                .ToArray();
            var batch = new Batch(ChainId, author: 1, sequence: (ulong)h, transactions);
            var block = new Block(ChainId, (ulong)h, (ulong)h, author: 1, timestampMs: 1000 * (ulong)h, parentQc, null, [batch.Digest]);
            var qc = Certify(block);
            Batches.Add(batch);
            Committed.Add(new CommittedBlock(block, qc, transactions));
            parentQc = qc;
        }
    }

    public Block Genesis { get; }

    public List<Batch> Batches { get; } = [];

    /// <summary>Index i holds height i + 1.</summary>
    public List<CommittedBlock> Committed { get; } = [];

    public CommittedBlock At(ulong height) => Committed[(int)height - 1];

    /// <summary>A certificate for <paramref name="block"/> with three fake signatures.</summary>
    public static QuorumCertificate Certify(Block block) =>
        new(block.Round, block.Hash, [Sign(0, block), Sign(1, block), Sign(2, block)]);

    /// <summary>A block extending <paramref name="parent"/> in a later round, with its own certificate and no batches.</summary>
    public static CommittedBlock Child(CommittedBlock parent, ulong roundGap = 1) => Child(parent, roundGap, []);

    /// <summary>
    /// A block extending <paramref name="parent"/> that orders <paramref name="batches"/>; its transaction list is what
    /// <see cref="BlockOrder"/> makes of them, as a validator would commit it.
    /// </summary>
    public static CommittedBlock Child(CommittedBlock parent, ulong roundGap, IReadOnlyList<Batch> batches)
    {
        var block = new Block(
            ChainId, parent.Block.Round + roundGap, parent.Height + 1, author: 2, timestampMs: 5, parent.Certificate, null,
            [.. batches.Select(b => b.Digest)]);
        return new CommittedBlock(block, Certify(block), BlockOrder.Transactions(batches));
    }

    /// <summary>A batch of <paramref name="transactions"/> from author 2, distinct per <paramref name="sequence"/>.</summary>
    public static Batch BatchOf(ulong sequence, params Transaction[] transactions) => new(ChainId, author: 2, sequence, transactions);

    private static byte[] Payload(int height, int index) => [.. "tx "u8, (byte)height, (byte)(height >> 8), (byte)index, (byte)(index >> 8)];

    private static SignerSignature Sign(ushort signer, Block block)
    {
        var bytes = new byte[Signature.Size];
        block.Hash.CopyTo(bytes);
        bytes[^1] = (byte)signer;
        return new SignerSignature(signer, new Signature(bytes));
    }
}
