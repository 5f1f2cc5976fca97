using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Fairway.Crypto.Threshold;
using Fairway.Ordering.Output;

namespace Fairway.Ordering.Encrypted;

/// <summary>
/// The step between ordering and output on a chain with an encrypted lane. The ordering stage fixes every position while
/// the lane's payloads are still ciphertexts (the sealed output); after decryption, <see cref="Reveal"/> puts each
/// plaintext, or the fixed undecryptable entry, at the position it already had and recomputes the header, so the output
/// every validator certifies, proves and streams carries plaintexts while the block's batches keep the ciphertexts.
/// A function of its inputs, as the ordering stage is.
/// </summary>
public static class SealedOutput
{
    /// <summary>Positions of the output's encrypted-lane transactions, ascending.</summary>
    public static int[] Positions(BlockOutput output, NamespaceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(registry);
        if (!registry.HasEncrypted)
        {
            return [];
        }

        var positions = new List<int>();
        for (var i = 0; i < output.Transactions.Count; i++)
        {
            if (registry.IsEncrypted(output.Transactions[i].Namespace))
            {
                positions.Add(i);
            }
        }

        return [.. positions];
    }

    /// <summary>The ciphertexts at <paramref name="positions"/>, in order; a payload that is no ciphertext is kept as null (undecryptable).</summary>
    public static CommittedCiphertext[] Ciphertexts(BlockOutput output, IReadOnlyList<int> positions)
    {
        ArgumentNullException.ThrowIfNull(output);
        return Ciphertexts(output.Transactions, positions);
    }

    /// <summary>The ciphertexts a revealed output opened, in order: what a validator remakes its shares of for a peer far behind.</summary>
    public static CommittedCiphertext[] CiphertextsOf(BlockOutput revealedOutput)
    {
        ArgumentNullException.ThrowIfNull(revealedOutput);
        return Ciphertexts(revealedOutput.SubmittedTransactions(), [.. revealedOutput.Revealed.Select(r => r.Position)]);
    }

    /// <summary>The same over transactions as submitted (a revealed output's <see cref="BlockOutput.SubmittedTransactions"/>).</summary>
    public static CommittedCiphertext[] Ciphertexts(IReadOnlyList<Transaction> transactions, IReadOnlyList<int> positions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(positions);
        var result = new CommittedCiphertext[positions.Count];
        for (var i = 0; i < positions.Count; i++)
        {
            var tx = transactions[positions[i]];
            result[i] = new CommittedCiphertext(tx.Hash, ThresholdCiphertext.TryDecode(tx.Payload.Span), EncryptionLabel.Of(tx.Namespace));
        }

        return result;
    }

    /// <summary>
    /// The output with each encrypted position's result in place of its ciphertext and the header recomputed over it
    /// (same chain, height, block and previous output). <paramref name="results"/> follow <paramref name="positions"/>.
    /// </summary>
    /// <param name="openings">The shares that opened each position (empty where none were made); null to keep none.</param>
    public static BlockOutput Reveal(
        BlockOutput sealedOutput, IReadOnlyList<int> positions, IReadOnlyList<DecryptionResult> results, IReadOnlyList<IReadOnlyList<DecryptionShare>>? openings = null)
    {
        ArgumentNullException.ThrowIfNull(sealedOutput);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(results);
        if (positions.Count != results.Count)
        {
            throw new ArgumentException($"{positions.Count} encrypted positions, {results.Count} results", nameof(results));
        }

        if (positions.Count == 0)
        {
            return sealedOutput;
        }

        var transactions = sealedOutput.Transactions.ToArray();
        var revealed = new RevealedEntry[positions.Count];
        for (var i = 0; i < positions.Count; i++)
        {
            var sealedTx = transactions[positions[i]];
            var plaintext = results[i].Plaintext;
            transactions[positions[i]] = plaintext is not null && plaintext.Length <= Limits.TransactionPayloadBytesMax
                ? new Transaction(sealedTx.Namespace, plaintext)
                : Undecryptable(sealedTx);
            revealed[i] = new RevealedEntry(positions[i], sealedTx, openings is null || openings[i].Count == 0 ? [] : DecryptionShare.EncodeList(openings[i]));
        }

        var header = sealedOutput.Header.Over(transactions);
        return new BlockOutput(header, transactions, sealedOutput.Sources, revealed, sealedOutput.Records);
    }

    /// <summary>
    /// The entry output in place of a ciphertext that does not open: a fixed prefix and the sealed transaction's hash, so
    /// every validator emits the same bytes and a client can tell which submission it stands for.
    /// </summary>
    public static Transaction Undecryptable(Transaction sealedTransaction)
    {
        ArgumentNullException.ThrowIfNull(sealedTransaction);
        return new Transaction(sealedTransaction.Namespace, UndecryptableEntry.Payload(sealedTransaction.Hash));
    }

}
