using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Node.Wire;

namespace Fairway.Node.Tests;

public class WireFrameTests
{
    private static readonly Hash Chain = Hash.Compute("wire"u8);

    [Fact]
    public void Batch_frames_round_trip()
    {
        var batch = new Batch(Chain, 2, 9, [new Transaction(5, "hello"u8.ToArray()), new Transaction(6, new byte[600])]);
        var frames = new WireFrame[]
        {
            new BatchFrame(batch),
            new BatchRequestFrame([batch.Digest, Hash.Zero]),
            new BatchResponseFrame([batch]),
        };

        foreach (var frame in frames)
        {
            var bytes = WireFrame.Encode(frame);
            Assert.Equal(bytes, WireFrame.Encode(WireFrame.Decode(bytes)));
        }

        Assert.Equal(batch.Digest, ((BatchFrame)WireFrame.Decode(WireFrame.Encode(frames[0]))).Batch.Digest);
    }

    [Fact]
    public void Garbage_frames_only_ever_raise_encoding_errors()
    {
        var random = new Random(3);
        var valid = WireFrame.Encode(new BatchFrame(new Batch(Chain, 1, 1, [new Transaction(1, new byte[40])])));
        for (var i = 0; i < 3000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = valid.ToArray();
                bytes[random.Next(bytes.Length)] ^= (byte)(1 + random.Next(255));
            }

            try
            {
                WireFrame.Decode(bytes);
            }
            catch (EncodingException)
            {
            }
        }
    }
}
