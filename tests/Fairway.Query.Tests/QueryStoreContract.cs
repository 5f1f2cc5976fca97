using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Fairway.Storage;
using Fairway.Storage.Query;

namespace Fairway.Query.Tests;

/// <summary>
/// What every <see cref="IQueryStore"/> must do, run against each implementation by a subclass. Each test gets a fresh,
/// empty store (its own file or schema). Values are compared by canonical encoding: that is what the API serves.
/// </summary>
public abstract class QueryStoreContract : IDisposable
{
    private IQueryStore? _store;

    protected IQueryStore Store => _store ??= Open();

    /// <summary>True only when the backend is unavailable and the run allows that; each test then returns at once.</summary>
    protected virtual bool Unavailable => false;

    /// <summary>A store over this test's data: a fresh one the first time, the same data on later calls.</summary>
    protected abstract IQueryStore Open();

    /// <summary>Drops the current store and opens another over the same data, as a restarted process would.</summary>
    protected void Reopen()
    {
        _store?.Dispose();
        _store = null;
        _store = Open();
    }

    public virtual void Dispose()
    {
        _store?.Dispose();
        _store = null;
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void An_empty_index_knows_no_height_and_no_transaction()
    {
        if (Unavailable) return;

        Assert.Equal(0UL, Store.IndexedHeight);
        foreach (var height in new[] { 0UL, 1UL, (ulong)long.MaxValue + 1, ulong.MaxValue })
        {
            Assert.Null(Store.GetBlock(height));
            Assert.Null(Store.GetBatches(height));
            Assert.Null(Store.GetNamespaceTransactions(height, 7));
        }

        Assert.Null(Store.FindTransaction(Hash.Compute("nothing"u8)));
    }

    [Fact]
    public void An_indexed_block_comes_back_with_its_certificate_and_transactions_in_order()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(2);

        IndexAll(chain);

        Assert.Equal(2UL, Store.IndexedHeight);
        AssertSame(chain.At(1), Store.GetBlock(1));
        AssertSame(chain.At(2), Store.GetBlock(2));
        Assert.Null(Store.GetBlock(3));
    }

    [Fact]
    public void Batches_come_back_decoded_in_the_blocks_digest_order()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(2, batchesPerBlock: 5);

        IndexAll(chain);

        var batches = Store.GetBatches(2);
        Assert.NotNull(batches);
        Assert.Equal(chain.BatchesAt(2).Select(Canonical.Encode), batches.Select(Canonical.Encode));
        Assert.Equal(chain.At(2).Block.BatchDigests, batches.Select(b => b.Digest));
        Assert.Null(Store.GetBatches(3));
    }

    [Fact]
    public void A_block_without_batches_or_transactions_has_empty_lists_not_nulls()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain();
        var (committed, batches) = chain.Next(batchCount: 0, transactionsPerBatch: 0);

        Store.Index(committed, batches);

        AssertSame(committed, Store.GetBlock(1));
        Assert.Empty(Store.GetBatches(1)!);
        Assert.Empty(Store.GetNamespaceTransactions(1, 7)!);
    }

    [Fact]
    public void A_namespace_lists_its_transactions_in_committed_order_with_their_block_indexes()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(3);
        IndexAll(chain);

        foreach (var @namespace in QueryTestChain.Namespaces)
        {
            var expected = chain.At(2).Transactions
                .Select((tx, index) => (tx, index))
                .Where(p => p.tx.Namespace == @namespace)
                .ToArray();
            var listed = Store.GetNamespaceTransactions(2, @namespace);

            Assert.NotNull(listed);
            Assert.NotEmpty(listed);
            Assert.Equal(expected.Select(p => p.index), listed.Select(t => t.Index));
            Assert.Equal(expected.Select(p => Canonical.Encode(p.tx)), listed.Select(t => Canonical.Encode(t.Transaction)));
            Assert.All(listed, t => Assert.Equal(2UL, t.Height));
        }
    }

    [Fact]
    public void A_namespace_without_transactions_in_a_known_block_is_an_empty_list_and_an_unknown_height_is_null()
    {
        if (Unavailable) return;
        IndexAll(new QueryTestChain(1));

        var none = Store.GetNamespaceTransactions(1, 12345);

        Assert.NotNull(none);
        Assert.Empty(none);
        Assert.Null(Store.GetNamespaceTransactions(2, 7));
    }

    [Fact]
    public void A_transaction_is_found_by_hash_with_its_height_and_index()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(3);
        IndexAll(chain);

        for (var height = 1UL; height <= 3; height++)
        {
            var transactions = chain.At(height).Transactions;
            foreach (var index in new[] { 0, 5, transactions.Count - 1 })
            {
                var found = Store.FindTransaction(transactions[index].Hash);
                Assert.NotNull(found);
                Assert.Equal((height, index), (found.Height, found.Index));
                Assert.Equal(Canonical.Encode(transactions[index]), Canonical.Encode(found.Transaction));
            }
        }

        Assert.Null(Store.FindTransaction(Hash.Compute("never committed"u8)));
    }

    [Fact]
    public void A_transaction_committed_twice_is_found_where_it_first_landed()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain();
        var again = new Transaction(8, "same payload"u8.ToArray());
        chain.Next(1, 3);
        chain.Next(1, 2, again);
        chain.Next(1, 1, again);
        IndexAll(chain);

        var found = Store.FindTransaction(again.Hash);

        Assert.NotNull(found);
        Assert.Equal((2UL, 2), (found.Height, found.Index));
    }

    [Fact]
    public void A_gap_in_heights_is_refused_and_changes_nothing()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(3);

        Assert.Throws<InvalidOperationException>(() => Store.Index(chain.At(2), chain.BatchesAt(2)));
        Assert.Equal(0UL, Store.IndexedHeight);

        Store.Index(chain.At(1), chain.BatchesAt(1));
        Assert.Throws<InvalidOperationException>(() => Store.Index(chain.At(3), chain.BatchesAt(3)));

        Assert.Equal(1UL, Store.IndexedHeight);
        Assert.Null(Store.GetBlock(3));
        Assert.Null(Store.GetBatches(3));
        Assert.Null(Store.GetNamespaceTransactions(3, 7));
        Assert.Null(Store.FindTransaction(chain.At(3).Transactions[0].Hash));
        Assert.Null(Store.FindTransaction(chain.At(2).Transactions[0].Hash));

        Store.Index(chain.At(2), chain.BatchesAt(2));
        Store.Index(chain.At(3), chain.BatchesAt(3));
        Assert.Equal(3UL, Store.IndexedHeight);
    }

    [Fact]
    public void Batches_that_do_not_match_the_blocks_digest_count_are_refused_and_change_nothing()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(1);

        Assert.Throws<ArgumentException>(() => Store.Index(chain.At(1), chain.BatchesAt(1)[1..]));

        Assert.Equal(0UL, Store.IndexedHeight);
        Assert.Null(Store.GetBlock(1));
    }

    [Fact]
    public void Indexing_a_height_again_is_a_no_op()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(2);
        IndexAll(chain);
        var other = new QueryTestChain(1, batchesPerBlock: 1, transactionsPerBatch: 1);
        var stranger = new Transaction(7, "only in the other chain"u8.ToArray());
        other.Next(1, 1, stranger);

        IndexAll(chain);
        Store.Index(other.At(1), other.BatchesAt(1));
        Store.Index(other.At(2), other.BatchesAt(2));

        Assert.Equal(2UL, Store.IndexedHeight);
        AssertSame(chain.At(1), Store.GetBlock(1));
        AssertSame(chain.At(2), Store.GetBlock(2));
        Assert.Equal(chain.BatchesAt(2).Select(Canonical.Encode), Store.GetBatches(2)!.Select(Canonical.Encode));
        Assert.Equal(
            chain.At(1).Transactions.Count(t => t.Namespace == 7),
            Store.GetNamespaceTransactions(1, 7)!.Count);
        Assert.Null(Store.FindTransaction(stranger.Hash));
    }

    [Fact]
    public void A_new_store_over_the_same_data_sees_everything_indexed_before()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(3);
        Store.Index(chain.At(1), chain.BatchesAt(1));
        Store.Index(chain.At(2), chain.BatchesAt(2));

        Reopen();

        Assert.Equal(2UL, Store.IndexedHeight);
        AssertSame(chain.At(2), Store.GetBlock(2));
        Assert.Equal(chain.BatchesAt(1).Select(Canonical.Encode), Store.GetBatches(1)!.Select(Canonical.Encode));
        var found = Store.FindTransaction(chain.At(2).Transactions[7].Hash);
        Assert.Equal((2UL, 7), (found!.Height, found.Index));
        Store.Index(chain.At(3), chain.BatchesAt(3));
        Assert.Equal(3UL, Store.IndexedHeight);
    }

    [Fact]
    public void A_block_of_twenty_thousand_transactions_is_indexed_whole()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(1);
        chain.Next(batchCount: 4, transactionsPerBatch: 5_000);
        IndexAll(chain);

        var block = Store.GetBlock(2);

        Assert.NotNull(block);
        Assert.Equal(20_000, block.Transactions.Count);
        AssertSame(chain.At(2), block);
        var last = Store.FindTransaction(chain.At(2).Transactions[19_999].Hash);
        Assert.Equal((2UL, 19_999), (last!.Height, last.Index));
        var listed = Store.GetNamespaceTransactions(2, ulong.MaxValue)!;
        Assert.Equal(chain.At(2).Transactions.Count(t => t.Namespace == ulong.MaxValue), listed.Count);
        Assert.True(listed.Select(t => t.Index).SequenceEqual(listed.Select(t => t.Index).Order()));
        Assert.Equal(4, Store.GetBatches(2)!.Count);
    }

    [Fact]
    public void A_disposed_store_refuses_use()
    {
        if (Unavailable) return;
        var store = Store;
        Reopen();

        Assert.Throws<ObjectDisposedException>(() => store.GetBlock(1));
        Assert.Throws<ObjectDisposedException>(() => store.FindTransaction(Hash.Zero));
        store.Dispose();
    }

    [Fact]
    public void A_group_of_blocks_is_indexed_in_one_call_skipping_heights_already_there()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(0);
        for (var i = 0; i < 4; i++)
        {
            chain.Next(batchCount: 2, transactionsPerBatch: 3);
        }

        Store.Index(chain.At(1), chain.BatchesAt(1));
        Store.IndexMany(chain.Blocks.Select(b => new BlockToIndex(b.Committed, b.Batches)).ToList());

        Assert.Equal(4UL, Store.IndexedHeight);
        for (var h = 1UL; h <= 4; h++)
        {
            AssertSame(chain.At(h), Store.GetBlock(h));
        }

        var last = chain.At(4).Transactions[^1];
        Assert.Equal((4UL, 5), (Store.FindTransaction(last.Hash)!.Height, Store.FindTransaction(last.Hash)!.Index));
    }

    [Fact]
    public void A_group_with_a_gap_inside_is_refused_and_never_indexes_past_the_gap()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(0);
        for (var i = 0; i < 4; i++)
        {
            chain.Next(batchCount: 1, transactionsPerBatch: 2);
        }

        Store.Index(chain.At(1), chain.BatchesAt(1));

        Assert.Throws<InvalidOperationException>(() => Store.IndexMany(
            [new BlockToIndex(chain.At(2), chain.BatchesAt(2)), new BlockToIndex(chain.At(4), chain.BatchesAt(4))]));

        Assert.InRange(Store.IndexedHeight, 1UL, 2UL);
        Assert.Null(Store.GetBlock(4));
        Assert.Null(Store.FindTransaction(chain.At(4).Transactions[0].Hash));
    }

    [Fact]
    public void A_transaction_in_two_batches_of_one_block_is_listed_once_at_its_first_place()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(0);
        var repeated = new Transaction(QueryTestChain.Namespaces[1], QueryTestChain.Payload(1, 0, 1));
        var last = new Transaction(7, "only in the extra batch"u8.ToArray());
        // Batch 0 of the block holds `repeated` at index 1 (the chain's payload scheme); the extra batch holds it again.
        var (committed, _) = chain.Next(batchCount: 2, transactionsPerBatch: 3, repeated, last);
        Assert.Equal(repeated, chain.BatchesAt(1)[0].Transactions[1]);
        IndexAll(chain);

        var block = Store.GetBlock(1)!;
        Assert.Equal(7, block.Transactions.Count);
        AssertSame(committed, block);
        // Listed once, where the ordering stage put it (namespaces ascending, so not where it first arrived).
        Assert.Single(block.Transactions, t => t.Hash == repeated.Hash);
        var position = block.Transactions.ToList().IndexOf(repeated);
        Assert.Equal((1UL, position), (Store.FindTransaction(repeated.Hash)!.Height, Store.FindTransaction(repeated.Hash)!.Index));
        Assert.Equal((1UL, block.Transactions.ToList().IndexOf(last)), (Store.FindTransaction(last.Hash)!.Height, Store.FindTransaction(last.Hash)!.Index));
    }

    [Fact]
    public void An_uncertified_output_is_not_indexed()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(1);
        var (committed, batches) = chain.Blocks[0];

        Assert.Throws<ArgumentException>(() => Store.Index(committed with { OutputCertificate = null }, batches));
        Assert.Equal(0UL, Store.IndexedHeight);
    }

    [Fact]
    public void A_bundles_legs_are_indexed_where_the_output_placed_them_and_found_by_their_own_hashes()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(1);
        var bundle = Bundle.Create([new Transaction(8, "leg zero"u8.ToArray()), new Transaction(7, "leg one"u8.ToArray()), new Transaction(8, "leg two"u8.ToArray())]);
        chain.Next(2, 3, new Transaction(7, "before"u8.ToArray()), bundle.Carrier);

        IndexAll(chain);

        var block = Store.GetBlock(2)!;
        Assert.Equal(chain.At(2).Transactions, block.Transactions);
        foreach (var leg in bundle.Legs)
        {
            var found = Store.FindTransaction(leg.Hash)!;
            Assert.Equal((leg, 2UL), (found.Transaction, found.Height));
            Assert.Equal(leg, block.Transactions[found.Index]);
        }

        // The carrier is how the bundle travelled, never part of the output.
        Assert.Null(Store.FindTransaction(bundle.Hash));
    }

    [Fact]
    public void An_outputs_records_are_indexed_from_its_record_batch_and_found_by_their_hashes()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(1);
        var (plain, batches) = chain.Next(1, 2);

        // The ordering stage's records (as an auction namespace gets them) lead namespace 7; sources name the record
        // batch after the block's one batch.
        var records = new[] { new Transaction(7, "record one"u8.ToArray()), new Transaction(7, "record two"u8.ToArray()) };
        var recordBatch = new Batch(QueryTestChain.ChainId, Block.RecordAuthor, 2, records);
        var transactions = records.Concat(plain.Transactions).ToArray();
        OutputSource[] sources = [new(1, 0), new(1, 1), .. plain.Output.Sources];
        var h = plain.Output.Header;
        var header = OutputHeader.Over(h.ChainId, h.Height, h.BlockHash, h.PreviousOutputHash, transactions);
        var committed = plain with { Output = new BlockOutput(header, transactions, sources, [], recordBatch), OutputCertificate = QueryTestChain.CertifyOutput(header) };
        chain.Blocks[^1] = (committed, batches);

        IndexAll(chain);

        var block = Store.GetBlock(2)!;
        Assert.Equal(transactions, block.Transactions);
        Assert.Equal(records, block.Output.Records!.Transactions);
        Assert.Equal(batches.Length, Store.GetBatches(2)!.Count);
        for (var i = 0; i < records.Length; i++)
        {
            var found = Store.FindTransaction(records[i].Hash)!;
            Assert.Equal((records[i], 2UL, i), (found.Transaction, found.Height, found.Index));
        }

        Assert.Equal(records, Store.GetNamespaceTransactions(2, 7)!.Take(2).Select(t => t.Transaction));
    }

    private protected void IndexAll(QueryTestChain chain)
    {
        foreach (var (committed, batches) in chain.Blocks)
        {
            Store.Index(committed, batches);
        }
    }

    protected static void AssertSame(CommittedBlock expected, CommittedBlock? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(Canonical.Encode(expected.Block), Canonical.Encode(actual.Block));
        Assert.Equal(Canonical.Encode(expected.Certificate), Canonical.Encode(actual.Certificate));
        Assert.Equal(expected.Output.Header, actual.Output.Header);
        Assert.Equal(expected.OutputCertificate, actual.OutputCertificate);
        Assert.Equal(expected.Output.Sources, actual.Output.Sources);
        Assert.Equal(expected.Transactions.Count, actual.Transactions.Count);
        for (var i = 0; i < expected.Transactions.Count; i++)
        {
            Assert.Equal(expected.Transactions[i], actual.Transactions[i]);
        }
    }
}
