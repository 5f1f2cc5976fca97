using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Auction;

/// <summary>
/// The express-lane controller of <see cref="Namespace"/> in <see cref="Epoch"/> hands the lane to <see cref="To"/>,
/// signed by the controller (<see cref="From"/>). Sent through the express lane's namespace like a bundle; it takes
/// effect where the fair rules place it, and bundles the old controller signed that wait behind a gap are dropped.
/// </summary>
public sealed record ControllerTransfer(ulong Namespace, ulong Epoch, PublicKey From, PublicKey To, Signature Signature)
{
    /// <summary>Its first byte: a priority bundle's is 1, so the two never decode as each other.</summary>
    public const byte Version = 2;

    public static ControllerTransfer Sign(Hash chainId, ulong @namespace, ulong epoch, PublicKey to, ISigner controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        return new ControllerTransfer(@namespace, epoch, controller.PublicKey, to, controller.Sign(SigningDomain.ControllerTransferMessage(chainId, @namespace, epoch, to)));
    }

    public bool HasValidSignature(Hash chainId, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return verifier.Verify(From, SigningDomain.ControllerTransferMessage(chainId, Namespace, Epoch, To), Signature);
    }

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(1 + 16 + (2 * PublicKey.Size) + Signature.Size);
        writer.WriteU8(Version);
        writer.WriteU64(Namespace);
        writer.WriteU64(Epoch);
        writer.WritePublicKey(From);
        writer.WritePublicKey(To);
        writer.WriteSignature(Signature);
        return writer.ToArray();
    }

    public Transaction ToTransaction() => new(SystemNamespaces.Express, Encode());

    public static ControllerTransfer? TryDecode(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new CanonicalReader(payload);
            reader.ExpectVersion(Version, "controller transfer");
            var transfer = new ControllerTransfer(
                reader.ReadU64("transfer namespace"), reader.ReadU64("transfer epoch"), reader.ReadPublicKey("transfer from"), reader.ReadPublicKey("transfer to"),
                reader.ReadSignature("transfer signature"));
            reader.EnsureEnd("controller transfer");
            return transfer;
        }
        catch (EncodingException)
        {
            return null;
        }
    }
}
