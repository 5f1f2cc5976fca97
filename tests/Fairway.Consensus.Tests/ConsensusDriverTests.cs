using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Tests;

/// <summary>The one interpreter of consensus outputs, which the node, the simulator and the test network all run.</summary>
public class ConsensusDriverTests
{
    /// <summary>Records every call in order and answers availability and payload requests at once.</summary>
    private sealed class RecordingHost : IConsensusHost
    {
        public List<string> Calls { get; } = [];

        public void PersistSafety(SafetyState state) => Calls.Add("persist safety");

        public void PersistBlock(Block block) => Calls.Add("persist block");

        public void Commit(CommitBlock commit) => Calls.Add("commit");

        public void Send(int to, ConsensusMessage message) => Calls.Add($"send {message.GetType().Name}");

        public void Broadcast(ConsensusMessage message) => Calls.Add($"broadcast {message.GetType().Name}");

        public ConsensusInput? CheckAvailability(CheckAvailability check)
        {
            Calls.Add("check availability");
            return new PayloadAvailable(check.BlockHash);
        }

        public ConsensusInput? RequestPayload(RequestPayload request)
        {
            Calls.Add("request payload");
            return null;
        }

        public void RequestBlocks(RequestBlocks request) => Calls.Add("request blocks");

        public void Evidence(Evidence evidence) => Calls.Add("evidence");

        public void EpochEnded(EpochEnded ended) => Calls.Add("epoch ended");
    }

    [Fact]
    public void Questions_are_asked_and_answers_stepped_only_after_every_output_of_the_step_is_carried()
    {
        var net = new TestNetwork(4);
        net.StartAll();
        var core = net.Core(1);
        var host = new RecordingHost();
        var driver = new ConsensusDriver(core, host, outputs => host.Calls.Add($"{outputs.Count} outputs"));
        var unknownBlock = Hash.Compute("not a block the core waits on"u8);
        var vote = new VoteMessage(9, unknownBlock, 1, new Signature(new byte[Signature.Size]));

        // An availability question in the middle of a list: it is asked after the sends that follow it, and its answer
        // stepped after that.
        driver.Carry([new CheckAvailability(core.Round, unknownBlock, [], Block.Genesis(Hash.Zero), 0), new SendTo(2, vote), new Broadcast(vote)]);

        // The list, its effects, then the question, and only then the core's (empty) answer to PayloadAvailable.
        Assert.Equal(["3 outputs", "send VoteMessage", "broadcast VoteMessage", "check availability", "0 outputs"], host.Calls);
    }

    [Fact]
    public void A_question_the_host_cannot_answer_yet_steps_nothing()
    {
        var net = new TestNetwork(4);
        net.StartAll();
        var host = new RecordingHost();
        var observed = new List<IReadOnlyList<ConsensusOutput>>();
        var driver = new ConsensusDriver(net.Core(0), host, observed.Add);

        driver.Carry([new RequestPayload(5, 1, net.Genesis.Hash)]);

        Assert.Equal(["request payload"], host.Calls);
        Assert.Single(observed);
    }
}
