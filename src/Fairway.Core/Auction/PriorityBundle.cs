using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Auction;

/// <summary>
/// An express-lane controller's priority bundle: transactions of <see cref="Namespace"/> that go first in the namespace's
/// output of the block that takes them, in <see cref="Sequence"/> order (0, 1, 2, ... within <see cref="Epoch"/>, no
/// gaps), signed by the controller over the namespace, the epoch, the sequence number and the transactions.
/// </summary>
public sealed record PriorityBundle(ulong Namespace, ulong Epoch, ulong Sequence, IReadOnlyList<Transaction> Transactions, PublicKey Controller, Signature Signature)
{
    public const byte Version = 1;

    /// <summary>Transactions one bundle holds at most.</summary>
    public const int TransactionsMax = 64;

    public static PriorityBundle Sign(Hash chainId, ulong @namespace, ulong epoch, ulong sequence, IReadOnlyList<Transaction> transactions, ISigner controller)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(controller);
        Check(@namespace, transactions);
        var signature = controller.Sign(SigningDomain.PriorityBundleMessage(chainId, @namespace, epoch, sequence, TransactionsHash(transactions)));
        return new PriorityBundle(@namespace, epoch, sequence, [.. transactions], controller.PublicKey, signature);
    }

    public bool HasValidSignature(Hash chainId, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return verifier.Verify(Controller, SigningDomain.PriorityBundleMessage(chainId, Namespace, Epoch, Sequence, TransactionsHash(Transactions)), Signature);
    }

    /// <summary>The hash the signature covers: of the transactions' canonical encodings, in order.</summary>
    public static Hash TransactionsHash(IReadOnlyList<Transaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var writer = new CanonicalWriter(64 + transactions.Sum(t => t.EncodedSize));
        writer.WriteCount(transactions.Count);
        foreach (var tx in transactions)
        {
            tx.Encode(writer);
        }

        return Hash.Compute(writer.ToArray());
    }

    /// <summary>The bundle as a transaction of the express lanes' namespace, the way it travels to the ordering stage.</summary>
    public Transaction ToTransaction() => new(SystemNamespaces.Express, Encode());

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(128 + Transactions.Sum(t => t.EncodedSize));
        writer.WriteU8(Version);
        writer.WriteU64(Namespace);
        writer.WriteU64(Epoch);
        writer.WriteU64(Sequence);
        writer.WriteCount(Transactions.Count);
        foreach (var tx in Transactions)
        {
            tx.Encode(writer);
        }

        writer.WritePublicKey(Controller);
        writer.WriteSignature(Signature);
        return writer.ToArray();
    }

    /// <summary>The bundle a payload encodes, or null when it is not one (or breaks <see cref="Check"/>).</summary>
    public static PriorityBundle? TryDecode(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new CanonicalReader(payload);
            reader.ExpectVersion(Version, "priority bundle");
            var ns = reader.ReadU64("bundle namespace");
            var epoch = reader.ReadU64("bundle epoch");
            var sequence = reader.ReadU64("bundle sequence");
            var count = reader.ReadCount(TransactionsMax, "bundle transactions");
            var transactions = new Transaction[count];
            for (var i = 0; i < count; i++)
            {
                transactions[i] = Transaction.Decode(ref reader);
            }

            var bundle = new PriorityBundle(ns, epoch, sequence, transactions, reader.ReadPublicKey("bundle controller"), reader.ReadSignature("bundle signature"));
            reader.EnsureEnd("priority bundle");
            Check(ns, transactions);
            return bundle;
        }
        catch (Exception e) when (e is EncodingException or ArgumentException)
        {
            return null;
        }
    }

    private static void Check(ulong @namespace, IReadOnlyList<Transaction> transactions)
    {
        if (transactions.Count is 0 or > TransactionsMax || transactions.Any(t => t.Namespace != @namespace))
        {
            throw new ArgumentException($"a priority bundle holds 1 to {TransactionsMax} transactions, all of its namespace {@namespace}", nameof(transactions));
        }
    }
}
