using System.Buffers;

namespace Fairway.Chaos.Proxy;

/// <summary>Bytes read from one side, waiting to be written to the other; no buffer means the source closed.</summary>
internal readonly record struct Chunk(byte[]? Buffer, int Length, long ReleaseAt)
{
    public bool IsEnd => Buffer is null;

    public void Return()
    {
        if (Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
