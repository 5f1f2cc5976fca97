using Fairway.Ordering.Output;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Storage.Tests;

/// <summary>
/// What every <see cref="IChainStore"/> must do. Each implementation runs these through a subclass, which is how the
/// in-memory twin stays honest about matching the SQLite store.
/// </summary>
public abstract class ChainStoreContract : IDisposable
{
    private IChainStore? _store;

    protected abstract IChainStore Open();

    protected IChainStore Store => _store ??= Open();

    /// <summary>Closes the current store; the next use of <see cref="Store"/> opens a new one (a restart, if durable).</summary>
    protected void Reopen()
    {
        _store?.Dispose();
        _store = null;
    }

    public virtual void Dispose()
    {
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }

    internal static void AssertSame(ICanonical expected, ICanonical actual) =>
        Assert.Equal(Canonical.Encode(expected), Canonical.Encode(actual));

    internal static void AssertSame(CommittedBlock expected, CommittedBlock? actual)
    {
        Assert.NotNull(actual);
        AssertSame(expected.Block, actual.Block);
        AssertSame(expected.Certificate, actual.Certificate);
        AssertSame(expected.Output.Header, actual.Output.Header);
        Assert.Equal(expected.Transactions, actual.Transactions);
    }

    [Fact]
    public void A_stored_block_comes_back_equal()
    {
        var block = new TestChain(2, 1).At(2).Block;
        Store.PutBlock(block);

        Assert.True(Store.TryGetBlock(block.Hash, out var back));
        AssertSame(block, back);
        Assert.Equal(block.Hash, back.Hash);
    }

    [Fact]
    public void An_unknown_block_or_batch_is_not_found()
    {
        Assert.False(Store.TryGetBlock(Hash.Compute("nope"u8), out _));
        Assert.False(Store.TryGetBatch(Hash.Compute("nope"u8), out _));
        Assert.False(Store.IsBatchStored(Hash.Compute("nope"u8)));
        Assert.False(Store.HasBatch(Hash.Compute("nope"u8)));
    }

    [Fact]
    public void A_stored_batch_comes_back_equal()
    {
        var batch = new TestChain(1, 5).Batches[0];
        Assert.False(Store.IsBatchStored(batch.Digest));
        Assert.False(Store.HasBatch(batch.Digest));
        Store.PutBatch(batch);

        Assert.True(Store.IsBatchStored(batch.Digest));
        Assert.True(Store.HasBatch(batch.Digest));
        Assert.True(Store.TryGetBatch(batch.Digest, out var back));
        AssertSame(batch, back);
        Assert.Equal(batch.Transactions, back.Transactions);
    }

    [Fact]
    public void Putting_the_same_block_or_batch_twice_is_harmless()
    {
        var chain = new TestChain(1, 3);
        Store.PutBlock(chain.At(1).Block);
        Store.PutBlock(chain.At(1).Block);
        Store.PutBatch(chain.Batches[0]);
        Store.PutBatch(chain.Batches[0]);
        Store.Flush();

        Assert.True(Store.TryGetBlock(chain.At(1).Block.Hash, out _));
        Assert.True(Store.TryGetBatch(chain.Batches[0].Digest, out _));
        Assert.Single(Store.LoadUncommittedBlocks());
    }

    [Fact]
    public void A_fresh_store_has_only_genesis_committed()
    {
        Assert.Equal(0UL, Store.CommittedHeight);
        Assert.Null(Store.GetCommitted(0));
        Assert.Null(Store.GetCommitted(1));
        Assert.Empty(Store.LoadUncommittedBlocks());
    }

    [Fact]
    public void Committed_blocks_come_back_with_certificate_and_ordered_transactions()
    {
        var chain = new TestChain(3, 4);
        Store.PutBatches(chain.Batches);
        foreach (var committed in chain.Committed)
        {
            Store.AppendCommitted(committed);
        }

        Assert.Equal(3UL, Store.CommittedHeight);
        for (var h = 1UL; h <= 3; h++)
        {
            AssertSame(chain.At(h), Store.GetCommitted(h));
        }

        Assert.Null(Store.GetCommitted(4));
        Assert.True(Store.TryGetBlock(chain.At(2).Block.Hash, out _), "a committed block is also a stored block");
    }

    [Fact]
    public void A_block_with_no_transactions_commits()
    {
        var chain = new TestChain(1, 0);
        Store.PutBatches(chain.Batches);
        Store.AppendCommitted(chain.At(1));

        Assert.Empty(Store.GetCommitted(1)!.Transactions);
    }

    [Fact]
    public void A_gap_in_heights_is_refused_and_changes_nothing()
    {
        var chain = new TestChain(3, 2);
        Store.PutBatches(chain.Batches);
        Store.AppendCommitted(chain.At(1));

        Assert.Throws<InvalidOperationException>(() => Store.AppendCommitted(chain.At(3)));

        AssertUnchangedAfterOne(chain);
    }

    [Fact]
    public void Committing_the_same_height_twice_is_refused_and_changes_nothing()
    {
        var chain = new TestChain(1, 2);
        Store.PutBatches(chain.Batches);
        Store.AppendCommitted(chain.At(1));

        Assert.Throws<InvalidOperationException>(() => Store.AppendCommitted(chain.At(1)));

        AssertUnchangedAfterOne(chain);
    }

    [Fact]
    public void A_block_whose_parent_is_not_the_tip_is_refused_and_changes_nothing()
    {
        var chain = new TestChain(2, 2);
        Store.PutBatches(chain.Batches);
        Store.AppendCommitted(chain.At(1));
        // Right height, but it extends a sibling fork of block 1, not block 1.
        var sibling = new TestChain(1, 2, @namespace: 99).At(1);
        var forkBatch = TestChain.BatchOf(9, new Transaction(5, "fork"u8.ToArray()));
        Store.PutBatch(forkBatch);
        var fork = TestChain.Child(sibling, 1, [forkBatch]);

        Assert.Throws<InvalidOperationException>(() => Store.AppendCommitted(fork));

        AssertUnchangedAfterOne(chain);
        Assert.False(Store.TryGetBlock(fork.Block.Hash, out _));
    }

    [Fact]
    public void Height_one_must_extend_genesis()
    {
        var chain = new TestChain(1, 1);
        // Height 1, but its Justify names block 1 rather than genesis.
        var block = new Block(TestChain.ChainId, 2, 1, 0, 0, chain.At(1).Certificate, null, []);

        Assert.Throws<InvalidOperationException>(() => Store.AppendCommitted(TestChain.Commit(block, TestChain.Certify(block), [], OrderingState.Genesis)));

        Assert.Equal(0UL, Store.CommittedHeight);
        Assert.Null(Store.GetCommitted(1));
    }

    [Fact]
    public void A_certificate_for_another_block_is_refused()
    {
        var chain = new TestChain(2, 1);
        var wrongQc = chain.At(1) with { Certificate = chain.At(2).Certificate };

        Assert.Throws<ArgumentException>(() => Store.AppendCommitted(wrongQc));
        Assert.Equal(0UL, Store.CommittedHeight);
    }

    [Fact]
    public void A_block_whose_batch_is_not_stored_is_refused_and_changes_nothing()
    {
        var chain = new TestChain(2, 3);
        Store.PutBatch(chain.Batches[0]);
        Store.AppendCommitted(chain.At(1));

        // Its transactions live only in that batch, so the store could never give them back.
        Assert.Throws<InvalidOperationException>(() => Store.AppendCommitted(chain.At(2)));
        Assert.Throws<InvalidOperationException>(() => Store.AppendCommittedMany([chain.At(2)]));

        Store.PutBatch(chain.Batches[1]);
        AssertUnchangedAfterOne(chain);
    }

    [Fact]
    public void A_batch_the_store_lost_is_found_by_asking_it_and_put_again_from_the_copy_handed_with_the_commit()
    {
        var chain = new TestChain(3, 3);
        // The writer handed all three batches to the store, and remembers doing so; the store kept only the first.
        var remembered = chain.Batches.Select(b => b.Digest).ToHashSet();
        Store.PutBatch(chain.Batches[0]);
        (CommittedBlock, IReadOnlyList<Batch>)[] group =
            [(chain.At(1), [chain.Batches[0]]), (chain.At(2), [chain.Batches[1]]), (chain.At(3), [])];

        // Trusting its memory, the writer finds nothing missing and the store refuses the group.
        Assert.Empty(MissingBatches.Find(group, remembered.Contains));
        Assert.Throws<InvalidOperationException>(() => Store.AppendCommittedMany([.. group.Select(g => g.Item1)]));

        // Asking the store finds both, each once, with the copy handed when there was one.
        var missing = MissingBatches.Find([.. group, (chain.At(3), [])], Store.IsBatchStored);
        Assert.Equal([(2UL, chain.Batches[1].Digest, (Batch?)chain.Batches[1]), (3UL, chain.Batches[2].Digest, null)],
            missing.Select(m => (m.Height, m.Digest, m.Handed)));

        Store.PutBatches([.. missing.Select(m => m.Handed ?? chain.Batches[2])]);
        Store.AppendCommittedMany([.. group.Select(g => g.Item1)]);
        Assert.Equal(3UL, Store.CommittedHeight);
    }

    [Fact]
    public void A_blocks_output_comes_back_from_its_batches_in_output_order()
    {
        var chain = new TestChain(1, 3);
        var repeated = chain.At(1).Transactions[1];
        var fresh = new Transaction(1, "x"u8.ToArray());
        var other = new Transaction(2, "y"u8.ToArray());
        // A payload already committed at height 1 and repeated across the block's two batches: the ordering stage keeps
        // its first place in this block and drops the repeat; the output groups namespaces in ascending order.
        var first = TestChain.BatchOf(10, fresh, repeated);
        var second = TestChain.BatchOf(11, repeated, other, fresh);
        Store.PutBatches([.. chain.Batches, first, second]);
        Store.AppendCommitted(chain.At(1));
        var child = TestChain.Child(chain.At(1), 1, [first, second]);

        Store.AppendCommitted(child);

        Assert.Equal(2UL, Store.CommittedHeight);
        Assert.Equal([fresh, other, repeated], Store.GetCommitted(2)!.Transactions);
        Assert.Equal(child.Output.Header, Store.GetCommitted(2)!.Output.Header);
        AssertSame(chain.At(1), Store.GetCommitted(1));
    }

    [Fact]
    public void A_revealed_output_comes_back_with_its_plaintexts_and_openings_and_its_ciphertexts_in_the_batches() =>
        AssertRevealedOutputKept(StoreRevealedOutput());

    /// <summary>Stores height 1 and the batch of height 2 (a plaintext, then a ciphertext): height 2 as the ordering stage outputs it, not yet stored.</summary>
    private (CommittedBlock Child, Transaction Sealed, Transaction Plain) HeightTwoWithCiphertext()
    {
        var chain = new TestChain(1, 3);
        var plain = new Transaction(1, "in the clear"u8.ToArray());
        var sealedTx = new Transaction(2, "ciphertext bytes"u8.ToArray());
        var batch = TestChain.BatchOf(10, plain, sealedTx);
        Store.PutBatches([.. chain.Batches, batch]);
        Store.AppendCommitted(chain.At(1));
        return (TestChain.Child(chain.At(1), 1, [batch]), sealedTx, plain);
    }

    /// <summary>Commits height 2 with an encrypted-lane position revealed: the batch holds the ciphertext, the output its plaintext.</summary>
    protected CommittedBlock StoreRevealedOutput()
    {
        var (child, sealedTx, _) = HeightTwoWithCiphertext();
        var transactions = new[] { child.Transactions[0], new Transaction(2, "the plaintext"u8.ToArray()) };
        var h = child.Output.Header;
        var header = Core.Output.OutputHeader.Over(h.ChainId, h.Height, h.BlockHash, h.PreviousOutputHash, transactions);
        var revealed = child with
        {
            Output = new Core.Output.BlockOutput(header, transactions, child.Output.Sources, [new Core.Output.RevealedEntry(1, sealedTx, [1, 2, 3])]),
        };
        Store.AppendCommitted(revealed);
        return revealed;
    }

    protected void AssertRevealedOutputKept(CommittedBlock expected)
    {
        var read = Store.GetCommitted(2)!;
        var sealedTx = expected.Output.Revealed[0].Sealed;
        Assert.Equal(expected.Transactions, read.Transactions);
        Assert.Equal(expected.Output.Header, read.Output.Header);
        Assert.Equal(sealedTx, read.Output.SubmittedTransactions()[1]);
        Assert.Equal([expected.Transactions[0], sealedTx], read.Output.SubmittedTransactions());
        Assert.Equal([1, 2, 3], Assert.Single(read.Output.Revealed).Opening);
        Assert.True(Store.TryGetBatch(expected.Block.AllBatchDigests[0], out var stored));
        Assert.Equal(sealedTx, stored.Transactions[1]);
    }

    [Fact]
    public void An_outputs_records_come_back_from_the_stored_layout_with_a_revealed_position_beside_them()
    {
        var (child, sealedTx, plain) = HeightTwoWithCiphertext();

        // The ordering stage wrote two records into namespace 1, ahead of the batch's transaction; position 1 of the
        // record batch (after the block's one batch, no inbox batch) is where sources name them.
        var records = new[] { new Transaction(1, "record a"u8.ToArray()), new Transaction(1, "record b"u8.ToArray()) };
        var recordBatch = new Batch(TestChain.ChainId, Block.RecordAuthor, 2, records);
        var transactions = new[] { records[0], records[1], plain, new Transaction(2, "the plaintext"u8.ToArray()) };
        Core.Output.OutputSource[] sources = [new(1, 0), new(1, 1), new(0, 0), new(0, 1)];
        var h = child.Output.Header;
        var header = Core.Output.OutputHeader.Over(h.ChainId, h.Height, h.BlockHash, h.PreviousOutputHash, transactions);
        var output = new Core.Output.BlockOutput(header, transactions, sources, [new Core.Output.RevealedEntry(3, sealedTx, [7])], recordBatch);
        Store.AppendCommitted(child with { Output = output });

        var read = Store.GetCommitted(2)!;
        Assert.Equal(transactions, read.Transactions);
        Assert.Equal(header, read.Output.Header);
        Assert.Equal(records, read.Output.Records!.Transactions);
        Assert.Equal(sealedTx, read.Output.SubmittedTransactions()[3]);
        Assert.Equal([7], Assert.Single(read.Output.Revealed).Opening);
    }

    [Fact]
    public void A_bundles_legs_come_back_from_its_carrier_in_the_stored_batch()
    {
        var chain = new TestChain(1, 3);
        var single = new Transaction(3, "single"u8.ToArray());
        var bundle = Bundle.Create([new Transaction(4, "leg a"u8.ToArray()), new Transaction(3, "leg b"u8.ToArray())]);
        var batch = TestChain.BatchOf(10, single, bundle.Carrier);
        Store.PutBatches([.. chain.Batches, batch]);
        Store.AppendCommitted(chain.At(1));
        var child = TestChain.Child(chain.At(1), 1, [batch]);

        Store.AppendCommitted(child);

        var read = Store.GetCommitted(2)!;
        Assert.Equal([single, bundle.Legs[1], bundle.Legs[0]], read.Transactions);
        Assert.Equal(child.Output.Sources, read.Output.Sources);
        Assert.Equal([bundle.Hash], read.Output.BundleCarriers().Select(c => c.Hash));
    }

    [Fact]
    public void A_layout_without_revealed_plaintexts_reads_as_plain_sources()
    {
        var sources = new Core.Output.OutputSource[] { new(0, 1), new(2, 0) };
        var plainLayout = Core.Output.BlockOutput.EncodeSources(sources);

        Assert.Equal(sources, Core.Output.BlockOutput.DecodeSources(plainLayout));
        Assert.Empty(Core.Output.BlockOutput.DecodeRevealed(plainLayout));

        // A trailer that claims more bytes than the layout has is refused, not read past.
        var bogus = plainLayout.Concat(BitConverter.GetBytes(1000u)).Concat(BitConverter.GetBytes(Core.Output.BlockOutput.RevealedMagic)).ToArray();
        Assert.Throws<EncodingException>(() => Core.Output.BlockOutput.DecodeRevealed(bogus));
    }

    [Fact]
    public void Output_certificates_are_kept_in_height_order_and_come_back_with_their_blocks()
    {
        var chain = new TestChain(3, 2);
        Store.PutBatches(chain.Batches);
        Store.AppendCommittedMany([chain.At(1), chain.At(2)]);

        Assert.Equal(0UL, Store.CertifiedHeight);
        Assert.Null(Store.GetCommitted(1)!.OutputCertificate);
        Store.PutOutputCertificate(TestChain.CertifyOutput(chain.At(1)));

        Assert.Equal(1UL, Store.CertifiedHeight);
        Assert.Equal(TestChain.CertifyOutput(chain.At(1)), Store.GetCommitted(1)!.OutputCertificate);
        Assert.Null(Store.GetCommitted(2)!.OutputCertificate);
    }

    [Fact]
    public void Output_headers_and_certificates_read_alone_match_the_committed_blocks()
    {
        var chain = new TestChain(3, 2);
        Store.PutBatches(chain.Batches);
        Store.AppendCommittedMany([chain.At(1), chain.At(2)]);
        Store.PutOutputCertificate(TestChain.CertifyOutput(chain.At(1)));

        Assert.Equal(chain.At(1).Output.Header, Store.GetOutputHeader(1));
        Assert.Equal(chain.At(2).Output.Header, Store.GetOutputHeader(2));
        Assert.Null(Store.GetOutputHeader(0));
        Assert.Null(Store.GetOutputHeader(3));
        Assert.Equal(TestChain.CertifyOutput(chain.At(1)), Store.GetOutputCertificate(1));
        Assert.Null(Store.GetOutputCertificate(2));
        Assert.Null(Store.GetOutputCertificate(3));
    }

    [Fact]
    public void An_output_certificate_out_of_order_or_for_another_output_is_refused_and_changes_nothing()
    {
        var chain = new TestChain(3, 2);
        Store.PutBatches(chain.Batches);
        Store.AppendCommittedMany([chain.At(1), chain.At(2)]);

        // A gap, a height not committed, and a certificate of another header for the right height.
        Assert.Throws<InvalidOperationException>(() => Store.PutOutputCertificate(TestChain.CertifyOutput(chain.At(2))));
        Assert.Throws<InvalidOperationException>(() => Store.PutOutputCertificate(TestChain.CertifyOutput(chain.At(3))));
        var other = new Fairway.Core.Output.OutputCertificate(1, chain.At(2).Output.Header.Hash, TestChain.CertifyOutput(chain.At(1)).Signatures);
        Assert.Throws<ArgumentException>(() => Store.PutOutputCertificate(other));

        Assert.Equal(0UL, Store.CertifiedHeight);
        Assert.Null(Store.GetCommitted(1)!.OutputCertificate);
    }

    [Fact]
    public void An_output_for_another_block_is_refused()
    {
        var chain = new TestChain(2, 1);
        Store.PutBatches(chain.Batches);
        var wrongOutput = chain.At(1) with { Output = chain.At(2).Output };

        Assert.Throws<ArgumentException>(() => Store.AppendCommitted(wrongOutput));
        Assert.Equal(0UL, Store.CommittedHeight);
    }

    [Fact]
    public void Uncommitted_blocks_are_those_above_the_committed_height()
    {
        var chain = new TestChain(4, 1);
        foreach (var c in chain.Committed)
        {
            Store.PutBlock(c.Block);
        }

        // A losing fork at height 2: at or below the committed height, it must not come back.
        var sibling = TestChain.Child(chain.At(1), roundGap: 5);
        Store.PutBlock(sibling.Block);
        Store.PutBatches(chain.Batches);
        Store.AppendCommitted(chain.At(1));
        Store.AppendCommitted(chain.At(2));

        var uncommitted = Store.LoadUncommittedBlocks();

        Assert.Equal([chain.At(3).Block.Hash, chain.At(4).Block.Hash], uncommitted.Select(b => b.Hash));
    }

    [Fact]
    public void A_group_of_batches_is_stored_in_one_call_and_repeats_are_harmless()
    {
        var chain = new TestChain(3, 4);
        Store.PutBatches(chain.Batches);
        Store.PutBatches([chain.Batches[0], chain.Batches[0]]);
        Store.Flush();

        foreach (var batch in chain.Batches)
        {
            Assert.True(Store.TryGetBatch(batch.Digest, out var back));
            AssertSame(batch, back);
        }
    }

    [Fact]
    public void A_group_of_consecutive_commits_lands_in_order()
    {
        var chain = new TestChain(4, 3);
        Store.PutBatches(chain.Batches);
        Store.AppendCommittedMany([chain.At(1), chain.At(2), chain.At(3)]);
        Store.AppendCommittedMany([]);

        Assert.Equal(3UL, Store.CommittedHeight);
        for (var h = 1UL; h <= 3; h++)
        {
            AssertSame(chain.At(h), Store.GetCommitted(h));
        }

        Store.AppendCommitted(chain.At(4));
        Assert.Equal(4UL, Store.CommittedHeight);
    }

    [Fact]
    public void A_group_with_a_gap_inside_is_refused_and_commits_none_of_it()
    {
        var chain = new TestChain(4, 2);
        Store.PutBatches(chain.Batches);
        Store.AppendCommitted(chain.At(1));

        Assert.Throws<InvalidOperationException>(() => Store.AppendCommittedMany([chain.At(2), chain.At(4)]));

        AssertUnchangedAfterOne(chain);
    }

    [Fact]
    public void Batch_receipts_are_read_back_oldest_first_from_a_time_on_and_pruned_before_a_time()
    {
        BatchReceipt[] receipts = [.. Enumerable.Range(1, 5).Select(i => new BatchReceipt(Hash.Compute([(byte)i]), (ulong)(1_000 * (6 - i))))];
        Store.PutBatchReceipts(receipts);
        Store.PutBatchReceipts([receipts[0] with { ReceivedAtMs = 1 }]);
        Store.Flush();

        // The first receipt of a batch stands; later ones for it change nothing.
        Assert.Equal([receipts[3], receipts[2], receipts[1]], Store.LoadBatchReceipts(2_000, 3));
        Store.PruneBatchReceipts(3_000);
        Assert.Equal([receipts[2], receipts[1], receipts[0]], Store.LoadBatchReceipts(0, 10));
    }

    private void AssertUnchangedAfterOne(TestChain chain)
    {
        Assert.Equal(1UL, Store.CommittedHeight);
        AssertSame(chain.At(1), Store.GetCommitted(1));
        Assert.Null(Store.GetCommitted(2));
        // The tip is still block 1: its real child appends fine.
        if (chain.Committed.Count >= 2)
        {
            Store.AppendCommitted(chain.At(2));
            Assert.Equal(2UL, Store.CommittedHeight);
        }
    }
}
