using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace Fairway.Network;

/// <summary>Result of trying to cut one frame off the front of a buffer.</summary>
internal enum FrameStatus
{
    Complete,
    NeedMoreData,
    Invalid,
}

/// <summary>
/// The wire framing: a 4-byte little-endian payload length, then the payload. A length of 0 or above the limit is
/// invalid and ends the connection.
/// </summary>
internal static class Framing
{
    public const int HeaderSize = 4;

    public static FrameStatus TryRead(ref ReadOnlySequence<byte> buffer, int payloadBytesMax, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < HeaderSize)
        {
            return FrameStatus.NeedMoreData;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length == 0 || length > (uint)payloadBytesMax)
        {
            return FrameStatus.Invalid;
        }

        if (buffer.Length - HeaderSize < length)
        {
            return FrameStatus.NeedMoreData;
        }

        payload = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(payload.End);
        return FrameStatus.Complete;
    }

    public static void Write(PipeWriter writer, ReadOnlySpan<byte> payload)
    {
        var span = writer.GetSpan(HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payload.Length);
        writer.Advance(HeaderSize);
        writer.Write(payload);
    }

    /// <summary>Reads exactly one frame (used for the handshake); throws <see cref="HandshakeException"/> on anything else.</summary>
    public static async ValueTask<byte[]> ReadOneAsync(PipeReader reader, int payloadBytesMax, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = TryRead(ref buffer, payloadBytesMax, out var payload);
            if (status == FrameStatus.Complete)
            {
                var bytes = payload.ToArray();
                reader.AdvanceTo(buffer.Start);
                return bytes;
            }

            if (status == FrameStatus.Invalid)
            {
                reader.AdvanceTo(buffer.Start);
                throw new HandshakeException("malformed handshake frame");
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start);
                throw new HandshakeException("connection closed during the handshake");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
