using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Rollups.Accounts;

/// <summary>
/// A demo rollup's transaction, as its namespace's payload: what to do (<see cref="Kind"/> and its <see cref="Body"/>),
/// who does it (an Ed25519 key), the sender's next nonce, and the sender's signature. The signature covers the rollup's
/// namespace, so a transaction cannot be replayed on another rollup, and the nonce makes each apply once.
/// </summary>
public sealed record RollupTransaction(byte Kind, PublicKey Sender, ulong Nonce, byte[] Body, Signature Signature)
{
    public const byte Version = 1;

    /// <summary>Bodies are small structured records; anything larger is not a demo rollup's transaction.</summary>
    public const int BodyMax = 1024;

    public static RollupTransaction Sign(ulong @namespace, byte kind, ulong nonce, byte[] body, ISigner signer)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(signer);
        return new RollupTransaction(kind, signer.PublicKey, nonce, body, signer.Sign(SigningMessage(@namespace, kind, signer.PublicKey, nonce, body)));
    }

    public bool HasValidSignature(ulong @namespace, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return verifier.Verify(Sender, SigningMessage(@namespace, Kind, Sender, Nonce, Body), Signature);
    }

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(1 + 1 + PublicKey.Size + 8 + 4 + Body.Length + Signature.Size);
        writer.WriteU8(Version);
        writer.WriteU8(Kind);
        writer.WritePublicKey(Sender);
        writer.WriteU64(Nonce);
        writer.WriteBytes(Body);
        writer.WriteSignature(Signature);
        return writer.ToArray();
    }

    /// <summary>The transaction a payload encodes, or null: a rollup skips what is not one of its transactions.</summary>
    public static RollupTransaction? TryDecode(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new CanonicalReader(payload);
            reader.ExpectVersion(Version, "rollup transaction");
            var kind = reader.ReadU8("rollup transaction kind");
            var sender = reader.ReadPublicKey("rollup transaction sender");
            var nonce = reader.ReadU64("rollup transaction nonce");
            var body = reader.ReadBytes(BodyMax, "rollup transaction body").ToArray();
            var signature = reader.ReadSignature("rollup transaction signature");
            reader.EnsureEnd("rollup transaction");
            return new RollupTransaction(kind, sender, nonce, body, signature);
        }
        catch (EncodingException)
        {
            return null;
        }
    }

    private static byte[] SigningMessage(ulong @namespace, byte kind, PublicKey sender, ulong nonce, byte[] body)
    {
        var writer = new CanonicalWriter(64 + body.Length);
        writer.WriteRaw("fairway/rollup/v1"u8);
        writer.WriteU64(@namespace);
        writer.WriteU8(kind);
        writer.WritePublicKey(sender);
        writer.WriteU64(nonce);
        writer.WriteBytes(body);
        return writer.ToArray();
    }
}
