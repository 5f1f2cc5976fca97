using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Ordering.Output;

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
            Committed.Add(Commit(block, qc, [batch], h == 1 ? OrderingState.Genesis : State(Committed[^1])));
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
    /// A block extending <paramref name="parent"/> that orders <paramref name="batches"/>; its output is what the ordering
    /// stage makes of them, as a validator would commit it.
    /// </summary>
    public static CommittedBlock Child(CommittedBlock parent, ulong roundGap, IReadOnlyList<Batch> batches)
    {
        var block = new Block(
            ChainId, parent.Block.Round + roundGap, parent.Height + 1, author: 2, timestampMs: 5, parent.Certificate, null,
            [.. batches.Select(b => b.Digest)]);
        return Commit(block, Certify(block), batches, State(parent));
    }

    /// <summary>The committed form of <paramref name="block"/>: its fcfs output after <paramref name="previous"/>.</summary>
    public static CommittedBlock Commit(Block block, QuorumCertificate qc, IReadOnlyList<Batch> batches, OrderingState previous) =>
        new(block, qc, Ordering.Order(block, batches, previous).Output);

    /// <summary>An output certificate with fake signatures (stores do not verify them).</summary>
    public static OutputCertificate CertifyOutput(CommittedBlock committed) =>
        new(committed.Height, committed.Output.Header.Hash, [Fake(0, committed.Output.Header.Hash), Fake(1, committed.Output.Header.Hash)]);

    /// <summary><paramref name="committed"/> with its output certified, as the query index takes it.</summary>
    public static CommittedBlock Firm(CommittedBlock committed) => committed with { OutputCertificate = CertifyOutput(committed) };

    private static readonly OrderingStage Ordering = new(ChainId, NamespaceRegistry.FcfsOnly);

    private static OrderingState State(CommittedBlock committed) =>
        committed.Height == 0 ? OrderingState.Genesis : new OrderingState(committed.Height, committed.Output.Header.Hash);

    /// <summary>A batch of <paramref name="transactions"/> from author 2, distinct per <paramref name="sequence"/>.</summary>
    public static Batch BatchOf(ulong sequence, params Transaction[] transactions) => new(ChainId, author: 2, sequence, transactions);

    private static byte[] Payload(int height, int index) => [.. "tx "u8, (byte)height, (byte)(height >> 8), (byte)index, (byte)(index >> 8)];

    private static SignerSignature Sign(ushort signer, Block block) => Fake(signer, block.Hash);

    private static SignerSignature Fake(ushort signer, Hash statement)
    {
        var bytes = new byte[Signature.Size];
        statement.CopyTo(bytes);
        bytes[^1] = (byte)signer;
        return new SignerSignature(signer, new Signature(bytes));
    }
}
