using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Consensus.Tests;

public class MessageCodecTests
{
    private static List<ConsensusMessage> RealMessages()
    {
        var net = new TestNetwork(4);
        net.StartAll();
        net.RunUntil(() => net.Committed[0].Count >= 3);
        var sent = net.Outputs.SelectMany(o => o).SelectMany(o => o)
            .Select(o => o switch { SendTo s => s.Message, Broadcast b => b.Message, _ => null })
            .OfType<ConsensusMessage>()
            .ToList();
        var block = net.Committed[0][^1].Block;
        sent.Add(new SyncInfoMessage(net.Core(0).HighQc, new TimeoutCertificate(7, [new TimeoutSignature(1, 3, net.Signers[1].Sign("t"u8))])));
        sent.Add(new TimeoutMessage(9, net.Core(0).HighQc, 2, net.Signers[2].Sign("timeout"u8)));
        sent.Add(new BlockRequestMessage(block.Hash, 64));
        sent.Add(new BlockResponseMessage([block, net.Genesis]));
        return sent;
    }

    [Fact]
    public void Every_message_kind_round_trips_to_identical_bytes()
    {
        var messages = RealMessages();
        Assert.Equal(Enum.GetValues<MessageKind>().Length, messages.Select(m => m.Kind).Distinct().Count());

        foreach (var message in messages)
        {
            var bytes = MessageCodec.Encode(message);
            var decoded = MessageCodec.Decode(bytes);
            Assert.Equal(message.Kind, decoded.Kind);
            Assert.Equal(bytes, MessageCodec.Encode(decoded));
        }
    }

    [Fact]
    public void Truncated_extended_and_random_bytes_are_refused_with_an_encoding_error()
    {
        var random = new Random(7);
        foreach (var message in RealMessages().DistinctBy(m => m.Kind))
        {
            var bytes = MessageCodec.Encode(message);
            for (var cut = 0; cut < bytes.Length; cut += Math.Max(1, bytes.Length / 50))
            {
                Assert.Throws<EncodingException>(() => MessageCodec.Decode(bytes.AsSpan(0, cut)));
            }

            Assert.Throws<EncodingException>(() => MessageCodec.Decode([.. bytes, 0]));
            for (var i = 0; i < 200; i++)
            {
                var mutated = bytes.ToArray();
                mutated[random.Next(mutated.Length)] ^= (byte)(1 + random.Next(255));
                try
                {
                    MessageCodec.Decode(mutated);
                }
                catch (EncodingException)
                {
                }
            }
        }

        for (var i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(0, 300)];
            random.NextBytes(garbage);
            try
            {
                MessageCodec.Decode(garbage);
            }
            catch (EncodingException)
            {
            }
        }
    }

    [Fact]
    public void Safety_state_round_trips()
    {
        var net = new TestNetwork(4);
        net.StartAll();
        net.RunUntil(() => net.Committed[0].Count >= 2);
        var state = net.PersistedSafety[0]!;

        var decoded = SafetyState.Decode(Canonical.Encode(state));

        Assert.Equal(state.LastVotedRound, decoded.LastVotedRound);
        Assert.Equal(state.LockedQcRound, decoded.LockedQcRound);
        Assert.Equal(state.HighQc, decoded.HighQc);
        Assert.Equal(Canonical.Encode(state), Canonical.Encode(decoded));
    }

    [Fact]
    public void A_block_request_for_too_many_blocks_is_refused()
    {
        var writer = new CanonicalWriter();
        writer.WriteU8((byte)MessageKind.BlockRequest);
        writer.WriteHash(Hash.Zero);
        writer.WriteU32(Limits.BlocksPerSyncResponseMax + 1);

        Assert.Throws<EncodingException>(() => MessageCodec.Decode(writer.ToArray()));
    }
}
