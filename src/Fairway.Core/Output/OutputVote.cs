using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Output;

/// <summary>One validator's signed statement that the output of committed height <see cref="Height"/> has header <see cref="HeaderHash"/>.</summary>
public sealed record OutputVote(ulong Height, Hash HeaderHash, ushort Signer, Signature Signature) : ICanonical
{
    public const byte Version = 1;

    public static OutputVote Sign(Hash chainId, OutputHeader header, ushort signer, ISigner key)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(key);
        return new OutputVote(header.Height, header.Hash, signer, key.Sign(SigningDomain.OutputMessage(chainId, header.Height, header.Hash)));
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU64(Height);
        writer.WriteHash(HeaderHash);
        writer.WriteU16(Signer);
        writer.WriteSignature(Signature);
    }

    public static OutputVote Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "output vote");
        return new OutputVote(
            reader.ReadU64("output vote height"), reader.ReadHash("output vote header hash"), reader.ReadU16("output vote signer"),
            reader.ReadSignature("output vote signature"));
    }
}
