using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;

namespace Fairway.Node.Wire;

/// <summary>What travels in one transport frame between validators: a tag byte and a canonical body.</summary>
public abstract record WireFrame
{
    public const int DigestsPerRequestMax = 256;
    public const int BatchesPerResponseMax = 64;

    private const byte ConsensusTag = 1;
    private const byte BatchTag = 2;
    private const byte BatchRequestTag = 3;
    private const byte BatchResponseTag = 4;
    private const byte OutputVoteTag = 5;
    private const byte OutputCertificateTag = 6;
    private const byte CandidateListTag = 7;
    private const byte FairEvidenceTag = 8;
    private const byte DecryptionSharesTag = 9;
    private const byte SettlementAttestationTag = 10;
    private const byte ConsensusEvidenceTag = 11;
    private const byte SlashReportTag = 12;

    /// <summary>A consensus message of an epoch above 0: the epoch (8 bytes) precedes the message. Epoch 0 keeps tag 1.</summary>
    private const byte EpochConsensusTag = 13;

    public static byte[] Encode(WireFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var writer = new CanonicalWriter(frame switch
        {
            ConsensusFrame c => Canonical.InitialCapacity(c.Message, 16),
            CandidateListFrame l => Canonical.InitialCapacity(l.List, 16),
            FairEvidenceFrame e => Canonical.InitialCapacity(e.Evidence, 16),
            ConsensusEvidenceFrame e => Canonical.InitialCapacity(e.Evidence, 16),
            DecryptionSharesFrame d => (d.Message.Shares.Count * Crypto.Threshold.DecryptionShare.EncodedSize) + 128,
            _ => 512,
        });
        switch (frame)
        {
            case ConsensusFrame c:
                writer.WriteU8(c.Epoch == 0 ? ConsensusTag : EpochConsensusTag);
                if (c.Epoch != 0)
                {
                    writer.WriteU64(c.Epoch);
                }

                c.Message.Encode(writer);
                break;
            case BatchFrame b:
                writer.WriteU8(BatchTag);
                b.Batch.Encode(writer);
                break;
            case BatchRequestFrame r:
                writer.WriteU8(BatchRequestTag);
                writer.WriteCount(r.Digests.Count);
                foreach (var d in r.Digests)
                {
                    writer.WriteHash(d);
                }

                break;
            case BatchResponseFrame r:
                writer.WriteU8(BatchResponseTag);
                writer.WriteCount(r.Batches.Count);
                foreach (var b in r.Batches)
                {
                    b.Encode(writer);
                }

                break;
            case OutputVoteFrame v:
                writer.WriteU8(OutputVoteTag);
                v.Vote.Encode(writer);
                break;
            case OutputCertificateFrame c:
                writer.WriteU8(OutputCertificateTag);
                c.Certificate.Encode(writer);
                break;
            case CandidateListFrame l:
                writer.WriteU8(CandidateListTag);
                l.List.Encode(writer);
                break;
            case FairEvidenceFrame e:
                writer.WriteU8(FairEvidenceTag);
                e.Evidence.Encode(writer);
                break;
            case DecryptionSharesFrame d:
                writer.WriteU8(DecryptionSharesTag);
                d.Message.Encode(writer);
                break;
            case SlashReportFrame r:
                writer.WriteU8(SlashReportTag);
                writer.WriteRaw(Convert.FromHexString(r.Report.Validator[2..]));
                writer.WriteRaw(r.Report.EvidenceHash);
                writer.WriteRaw(r.Report.Signature);
                break;
            case SettlementAttestationFrame a:
                writer.WriteU8(SettlementAttestationTag);
                writer.WriteU64(a.Attestation.Height);
                writer.WriteRaw(a.Attestation.Parent);
                writer.WriteRaw(a.Attestation.OutputHash);
                writer.WriteRaw(a.Attestation.Signature);
                break;
            case ConsensusEvidenceFrame e:
                writer.WriteU8(ConsensusEvidenceTag);
                e.Evidence.Encode(writer);
                break;
            default:
                throw new ArgumentException("unknown frame", nameof(frame));
        }

        return writer.ToArray();
    }

    private static ConsensusFrame DecodeEpochConsensus(ReadOnlySpan<byte> body)
    {
        if (body.Length < 8)
        {
            throw new EncodingException("consensus frame: truncated epoch");
        }

        var epoch = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(body);
        if (epoch == 0)
        {
            throw new EncodingException("consensus frame: epoch 0 travels under its own tag");
        }

        return new ConsensusFrame(MessageCodec.Decode(body[8..]), epoch);
    }

    /// <summary>Decodes one frame; anything malformed throws <see cref="EncodingException"/>.</summary>
    public static WireFrame Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw new EncodingException("empty frame");
        }

        var body = bytes[1..];
        return bytes[0] switch
        {
            ConsensusTag => new ConsensusFrame(MessageCodec.Decode(body)),
            EpochConsensusTag => DecodeEpochConsensus(body),
            BatchTag => new BatchFrame(Batch.DecodeKeepingEncoding(body)),
            BatchRequestTag => Canonical.Decode(body, DecodeBatchRequest, "batch request"),
            BatchResponseTag => Canonical.Decode(body, DecodeBatchResponse, "batch response"),
            OutputVoteTag => new OutputVoteFrame(Canonical.Decode(body, OutputVote.Decode, "output vote")),
            OutputCertificateTag => new OutputCertificateFrame(Canonical.Decode(body, OutputCertificate.Decode, "output certificate")),
            CandidateListTag => new CandidateListFrame(Canonical.Decode(body, Core.Inclusion.CandidateList.Decode, "candidate list")),
            FairEvidenceTag => new FairEvidenceFrame(Canonical.Decode(body, Core.Inclusion.FairEvidence.Decode, "fair evidence")),
            DecryptionSharesTag => new DecryptionSharesFrame(Canonical.Decode(body, Ordering.Encrypted.ShareMessage.Decode, "decryption shares")),
            SettlementAttestationTag => Canonical.Decode(body, DecodeAttestation, "settlement attestation"),
            SlashReportTag => Canonical.Decode(body, DecodeSlashReport, "slash report"),
            ConsensusEvidenceTag => new ConsensusEvidenceFrame(Canonical.Decode(body, Consensus.Engine.Evidence.Decode, "consensus evidence")),
            _ => throw new EncodingException($"unknown frame tag {bytes[0]}"),
        };
    }

    private static SlashReportFrame DecodeSlashReport(ref CanonicalReader reader)
    {
        var validator = "0x" + Convert.ToHexStringLower(reader.ReadFixed(20, "slash report validator"));
        var evidence = reader.ReadFixed(Fairway.Settlement.SlashReport.EvidenceHashSize, "slash report evidence hash").ToArray();
        var signature = reader.ReadFixed(Fairway.Settlement.Attestation.SignatureSize, "slash report signature").ToArray();
        return new SlashReportFrame(new Fairway.Settlement.SlashReport(validator, evidence, signature));
    }

    private static SettlementAttestationFrame DecodeAttestation(ref CanonicalReader reader)
    {
        var height = reader.ReadU64("attestation height");
        var parent = reader.ReadFixed(Fairway.Settlement.SettlementStatement.HashSize, "attestation parent").ToArray();
        var output = reader.ReadFixed(Fairway.Settlement.SettlementStatement.HashSize, "attestation output hash").ToArray();
        var signature = reader.ReadFixed(Fairway.Settlement.Attestation.SignatureSize, "attestation signature").ToArray();
        return new SettlementAttestationFrame(new Fairway.Settlement.Attestation(height, parent, output, signature));
    }

    private static BatchRequestFrame DecodeBatchRequest(ref CanonicalReader reader)
    {
        var count = reader.ReadCount(DigestsPerRequestMax, "requested digests");
        var digests = new Hash[count];
        for (var i = 0; i < count; i++)
        {
            digests[i] = reader.ReadHash("requested digest");
        }

        return new BatchRequestFrame(digests);
    }

    private static BatchResponseFrame DecodeBatchResponse(ref CanonicalReader reader)
    {
        var count = reader.ReadCount(BatchesPerResponseMax, "batches");
        var batches = new Batch[count];
        for (var i = 0; i < count; i++)
        {
            batches[i] = Batch.Decode(ref reader);
        }

        return new BatchResponseFrame(batches);
    }
}

/// <summary>A consensus message and the epoch its sender was in when it sent it (what the message's signature names).</summary>
public sealed record ConsensusFrame(ConsensusMessage Message, ulong Epoch = 0) : WireFrame;

public sealed record BatchFrame(Batch Batch) : WireFrame;

public sealed record BatchRequestFrame(IReadOnlyList<Hash> Digests) : WireFrame;

public sealed record BatchResponseFrame(IReadOnlyList<Batch> Batches) : WireFrame;

/// <summary>A validator's signature on the output header it computed for a committed height.</summary>
public sealed record OutputVoteFrame(OutputVote Vote) : WireFrame;

/// <summary>A whole output certificate, sent to a validator whose vote shows it has not certified that height yet.</summary>
public sealed record OutputCertificateFrame(OutputCertificate Certificate) : WireFrame;

/// <summary>A validator's signed candidate list for a round of the fair policy's inclusion stage.</summary>
public sealed record CandidateListFrame(Core.Inclusion.CandidateList List) : WireFrame;

/// <summary>Evidence from the inclusion stage a peer found; the receiver checks it before keeping it.</summary>
public sealed record FairEvidenceFrame(Core.Inclusion.FairEvidence Evidence) : WireFrame;

/// <summary>A validator's signed decryption shares for one committed height of the encrypted lane.</summary>
public sealed record DecryptionSharesFrame(Ordering.Encrypted.ShareMessage Message) : WireFrame;

/// <summary>A validator's secp256k1 signature on a settlement statement, gathered by every validator for the relayer.</summary>
public sealed record SettlementAttestationFrame(Fairway.Settlement.Attestation Attestation) : WireFrame;

/// <summary>A validator's two conflicting consensus messages for one round, gossiped so every validator holds the proof.</summary>
public sealed record ConsensusEvidenceFrame(Consensus.Engine.Evidence Evidence) : WireFrame;

/// <summary>A validator's settlement-key signature on a slash report for evidence the L1 cannot check itself, gathered for the light client.</summary>
public sealed record SlashReportFrame(Fairway.Settlement.SlashReport Report) : WireFrame;
