using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Proofs;
using Fairway.Ordering.Output;
using Fairway.Storage;
using Fairway.Storage.Query;

namespace Fairway.Benchmarks;

/// <summary>
/// The per-transaction work every validator does under load: parse a submission, pack a batch (hashing every transaction
/// into the namespaced Merkle root that names the batch), write batches and commits to disk, index them for the API.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private static readonly Hash Chain = Hash.Compute("bench"u8);
    private Transaction[] _transactions = [];
    private byte[] _submitBody = [];
    private byte[] _binarySubmitBody = [];
    private QuorumCertificate _parentQc = null!;
    private ulong _indexedHeight;
    private Batch _batch = null!;
    private Block _block = null!;
    private string _dir = "";
    private SqliteChainStore _chain = null!;
    private SqliteQueryStore _query = null!;
    private ulong _sequence;
    private OrderingState _orderingState = OrderingState.Genesis;
    private Core.Output.BlockOutput _output = null!;
    private static readonly OrderingStage Ordering = new(Chain, NamespaceRegistry.FcfsOnly);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _transactions = Enumerable.Range(0, 2_000).Select(i =>
        {
            var payload = new byte[512];
            random.NextBytes(payload);
            return new Transaction((ulong)(i % 10), payload);
        }).ToArray();
        _submitBody = JsonSerializer.SerializeToUtf8Bytes(_transactions.Take(100).Select(t => new { @namespace = t.Namespace, payload = Convert.ToBase64String(t.Payload.Span) }));
        _binarySubmitBody = Core.Encoding.SubmitBatchFormat.EncodeRequest(_transactions.Take(100).Select(t => (t.Namespace, t.Payload)).ToList());
        _batch = new Batch(Chain, 1, 1, _transactions);
        var genesis = Block.Genesis(Chain);
        _block = new Block(Chain, 1, 1, 0, 0, QuorumCertificate.Genesis(genesis.Hash), null, [_batch.Digest]);
        _parentQc = QuorumCertificate.Genesis(genesis.Hash);
        _output = Ordering.Order(_block, [_batch], OrderingState.Genesis).Output;
        _dir = Directory.CreateTempSubdirectory("fairway-bench-").FullName;
        _chain = new SqliteChainStore(Path.Combine(_dir, "chain.db"));
        _query = new SqliteQueryStore(Path.Combine(_dir, "query.db"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _chain.Dispose();
        _query.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Description = "API submit path: parse a 100-transaction JSON batch, decode base64, hash each")]
    public int ParseSubmitBatch()
    {
        using var document = JsonDocument.Parse(_submitBody);
        var count = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var tx = new Transaction(item.GetProperty("namespace").GetUInt64(), Convert.FromBase64String(item.GetProperty("payload").GetString()!));
            count += tx.Hash.Prefix64 > 0 ? 1 : 0;
        }

        return count;
    }

    [Benchmark(Description = "API submit path (binary form): decode a 100-transaction batch, hash each")]
    public int ParseBinarySubmitBatch()
    {
        var decoded = Core.Encoding.SubmitBatchFormat.DecodeRequest(_binarySubmitBody, 131_072, 1_000);
        var count = 0;
        foreach (var tx in decoded.Transactions)
        {
            count += tx.Hash.Prefix64 > 0 ? 1 : 0;
        }

        return count;
    }

    [Benchmark(Description = "Query index: one committed block of 2,000 transactions (SQLite; keys written in sorted generations, amortized)")]
    public void IndexBlock()
    {
        // A fresh batch per block (its own digest); the same payloads again, as a replayed transaction would be.
        var batch = new Batch(Chain, 3, ++_sequence, _transactions);
        var height = ++_indexedHeight;
        var block = new Block(Chain, height, height, 0, height, _parentQc, null, [batch.Digest]);
        var signature = new Signature(new byte[Signature.Size]);
        var qc = new QuorumCertificate(height, block.Hash, [new SignerSignature(0, signature), new SignerSignature(1, signature), new SignerSignature(2, signature)]);
        var (output, next) = Ordering.Order(block, [batch], _orderingState);
        _orderingState = next;
        var certificate = new Core.Output.OutputCertificate(height, output.Header.Hash, [new SignerSignature(0, signature), new SignerSignature(1, signature)]);
        _query.Index(new CommittedBlock(block, qc, output) { OutputCertificate = certificate }, [batch]);
        _parentQc = qc;
    }

    [Benchmark(Description = "Batch assembly: 2,000 x 512-byte transactions, digest (namespaced Merkle root)")]
    public Hash AssembleBatch() => new Batch(Chain, 1, ++_sequence, _transactions).Digest;

    [Benchmark(Description = "Batch encode + decode (wire), 2,000 transactions")]
    public int BatchWireRoundTrip() => Core.Encoding.Canonical.Decode(Core.Encoding.Canonical.Encode(_batch), Batch.Decode, "batch").Transactions.Count;

    [Benchmark(Description = "Storage: PutBatch of 2,000 transactions (WAL, no fsync)")]
    public void StorePutBatch() => _chain.PutBatch(new Batch(Chain, 2, ++_sequence, _transactions.Take(2_000).ToArray()));

    [Benchmark(Description = "Storage: Flush (one fsync of the WAL)")]
    public void StoreFlush()
    {
        _chain.PutBlock(_block);
        _chain.Flush();
    }

    [Benchmark(Description = "Ordering stage (fcfs): a 2,000-transaction block into its output and output header")]
    public int OrderBlock() => Ordering.Order(_block, [_batch], OrderingState.Genesis).Output.Transactions.Count;

    [Benchmark(Description = "Namespace proof for one of 10 namespaces in a 2,000-transaction output (output tree included)")]
    public int NamespaceProofBuild() => new OutputProofBuilder(_output).ForNamespace(3).TransactionHashes.Count;
}
