using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Ordering.Output;
using Fairway.Storage;

namespace Fairway.Query.Tests;

/// <summary>
/// A structurally real chain for the query store: each block orders several batches by digest, its output is what the
/// ordering stage makes of them (fcfs), spread over a few namespaces, and each output is certified. Signatures are fake bytes; the index does not
/// verify them.
/// </summary>
internal sealed class QueryTestChain
{
    public static readonly Hash ChainId = Hash.Compute("fairway query tests"u8);

    /// <summary>The namespaces transactions rotate through; the last one checks that u64 values above 2^63 survive.</summary>
    public static readonly ulong[] Namespaces = [7, 8, ulong.MaxValue];

    private static readonly OrderingStage Ordering = new(ChainId, NamespaceRegistry.FcfsOnly);

    private ulong _sequence;
    private QuorumCertificate _parentQc;
    private OrderingState _state = OrderingState.Genesis;

    public QueryTestChain(int blocks = 0, int batchesPerBlock = 3, int transactionsPerBatch = 4)
    {
        _parentQc = QuorumCertificate.Genesis(Block.Genesis(ChainId).Hash);
        for (var h = 0; h < blocks; h++)
        {
            Next(batchesPerBlock, transactionsPerBatch);
        }
    }

    /// <summary>Index i holds height i + 1.</summary>
    public List<(CommittedBlock Committed, Batch[] Batches)> Blocks { get; } = [];

    public CommittedBlock At(ulong height) => Blocks[(int)height - 1].Committed;

    public Batch[] BatchesAt(ulong height) => Blocks[(int)height - 1].Batches;

    /// <summary>Appends the next block; <paramref name="extra"/> is appended as one more batch when given.</summary>
    public (CommittedBlock Committed, Batch[] Batches) Next(int batchCount, int transactionsPerBatch, params Transaction[] extra)
    {
        var height = (ulong)Blocks.Count + 1;
        var batches = new List<Batch>();
        for (var b = 0; b < batchCount; b++)
        {
            // Authors descend, so the digest order differs from any natural sort of the batches.
            var author = (ushort)(batchCount - b);
            var transactions = Enumerable.Range(0, transactionsPerBatch)
                .Select(i => new Transaction(Namespaces[(b + i) % Namespaces.Length], Payload(height, b, i)))
                .ToArray();
            batches.Add(new Batch(ChainId, author, ++_sequence, transactions));
        }

        if (extra.Length > 0)
        {
            batches.Add(new Batch(ChainId, 99, ++_sequence, extra));
        }

        var block = new Block(ChainId, height + 10, height, author: 1, timestampMs: 1000 * height, _parentQc, null,
            batches.Select(b => b.Digest).ToArray());
        var qc = Certify(block);
        var (output, next) = Ordering.Order(block, batches, _state);
        var committed = new CommittedBlock(block, qc, output) { OutputCertificate = CertifyOutput(output.Header) };
        _state = next;
        _parentQc = qc;
        var entry = (committed, batches.ToArray());
        Blocks.Add(entry);
        return entry;
    }

    public static QuorumCertificate Certify(Block block) =>
        new(block.Round, block.Hash, [Sign(0, block), Sign(2, block), Sign(5, block)]);

    public static byte[] Payload(ulong height, int batch, int index, int sizeBytes = 12)
    {
        var payload = new byte[Math.Max(sizeBytes, 12)];
        BitConverter.TryWriteBytes(payload.AsSpan(0, 8), height);
        BitConverter.TryWriteBytes(payload.AsSpan(8, 2), (ushort)batch);
        BitConverter.TryWriteBytes(payload.AsSpan(10, 2), (ushort)index);
        return payload;
    }

    /// <summary>An output certificate with fake signatures, like <see cref="Certify"/>: the index stores it, never checks it.</summary>
    public static OutputCertificate CertifyOutput(OutputHeader header) =>
        new(header.Height, header.Hash, [Sign(1, header.Hash), Sign(3, header.Hash)]);

    private static SignerSignature Sign(ushort signer, Block block) => Sign(signer, block.Hash);

    private static SignerSignature Sign(ushort signer, Hash statement)
    {
        var bytes = new byte[Signature.Size];
        statement.CopyTo(bytes);
        bytes[^1] = (byte)signer;
        return new SignerSignature(signer, new Signature(bytes));
    }
}
