using Fairway.Consensus.Messages;
using Fairway.Core.Chain;

namespace Fairway.Consensus.Engine;

/// <summary>
/// What a host does for the consensus core: the effects of its outputs. The node, the simulator and the test network
/// each implement it; <see cref="ConsensusDriver"/> is the one interpreter that calls it.
/// </summary>
public interface IConsensusHost
{
    /// <summary>Make the safety state durable before returning: later sends of the same step depend on it.</summary>
    void PersistSafety(SafetyState state);

    void PersistBlock(Block block);

    void Commit(CommitBlock commit);

    void Send(int to, ConsensusMessage message);

    void Broadcast(ConsensusMessage message);

    /// <summary>The answer (<see cref="PayloadAvailable"/>) if every batch is held now; otherwise null, and the host steps the core with it later.</summary>
    ConsensusInput? CheckAvailability(CheckAvailability check);

    /// <summary>The answer (<see cref="PayloadReady"/>) if the host has a payload now; otherwise null, and the host steps the core with it later.</summary>
    ConsensusInput? RequestPayload(RequestPayload request);

    void RequestBlocks(RequestBlocks request);

    void Evidence(Evidence evidence);

    /// <summary>
    /// The core's epoch is over (its last block's commit was carried just before): the host starts the next epoch's core
    /// on top of <see cref="EpochEnded.LastBlock"/> once the rest of this step is carried.
    /// </summary>
    void EpochEnded(EpochEnded ended);
}

/// <summary>
/// The one interpreter of consensus outputs: carries out each step's outputs in order through an <see cref="IConsensusHost"/>,
/// then asks the host the step's questions (availability, a payload), and only then steps the core with the answers the
/// host had at once. Asking in the middle of a list would answer from a state the rest of the list is about to change;
/// stepping the core in the middle would let the answer's outputs (a commit, say) overtake the rest of the list, and a
/// safety write could then trail a send that depends on it.
/// </summary>
/// <param name="observe">Sees each output list before it is carried (tests and the simulator record or check them).</param>
public sealed class ConsensusDriver(ConsensusCore core, IConsensusHost host, Action<IReadOnlyList<ConsensusOutput>>? observe = null)
{
    public ConsensusCore Core => core;

    public void Start() => Carry(core.Start());

    public void Step(ConsensusInput input) => Carry(core.Step(input));

    public void Carry(IReadOnlyList<ConsensusOutput> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        observe?.Invoke(outputs);
        List<ConsensusOutput>? questions = null;
        foreach (var output in outputs)
        {
            switch (output)
            {
                case PersistSafety p:
                    host.PersistSafety(p.State);
                    break;
                case PersistBlock b:
                    host.PersistBlock(b.Block);
                    break;
                case CommitBlock c:
                    host.Commit(c);
                    break;
                case SendTo s:
                    host.Send(s.To, s.Message);
                    break;
                case Broadcast b:
                    host.Broadcast(b.Message);
                    break;
                case CheckAvailability or RequestPayload:
                    // Asked once the whole list is carried, so the host answers from the state after this step (a
                    // leader's payload must not be taken before the step's own blocks are marked proposed or committed).
                    (questions ??= []).Add(output);
                    break;
                case RequestBlocks r:
                    host.RequestBlocks(r);
                    break;
                case EvidenceFound e:
                    host.Evidence(e.Evidence);
                    break;
                case EpochEnded e:
                    host.EpochEnded(e);
                    break;
                default:
                    throw new InvalidOperationException($"no host action for {output.GetType().Name}");
            }
        }

        if (questions is null)
        {
            return;
        }

        List<ConsensusInput>? answers = null;
        foreach (var question in questions)
        {
            var answer = question switch
            {
                CheckAvailability a => host.CheckAvailability(a),
                RequestPayload r => host.RequestPayload(r),
                _ => null,
            };
            if (answer is not null)
            {
                (answers ??= []).Add(answer);
            }
        }

        foreach (var answer in answers ?? [])
        {
            Step(answer);
        }
    }
}
