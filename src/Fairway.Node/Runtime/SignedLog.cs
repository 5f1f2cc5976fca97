using System.Globalization;
using Fairway.Consensus.Engine;

namespace Fairway.Node.Runtime;

/// <summary>
/// An append-only audit of every vote and proposal this validator signed, written durably before the message is sent.
/// Operators and tests read it to prove the validator never signed two different statements for one round.
/// </summary>
internal sealed class SignedLog : IDisposable
{
    private readonly FileStream _stream;
    private SafetyState? _last;

    public SignedLog(string path, SafetyState? recovered)
    {
        _last = recovered;
        _stream = DurableAppend.Open(path);
        _stream.Seek(0, SeekOrigin.End);
    }

    public void Record(SafetyState state)
    {
        var lines = new List<string>(2);
        if (state.LastVote is { } vote && (_last?.LastVote is null || _last.LastVote.Round != vote.Round || _last.LastVote.BlockHash != vote.BlockHash))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"vote {vote.Round} {vote.BlockHash.ToHex()}"));
        }

        if (state.LastProposal is { } proposal && (_last?.LastProposal is null || _last.LastProposal.Block.Hash != proposal.Block.Hash))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"proposal {proposal.Block.Round} {proposal.Block.Hash.ToHex()}"));
        }

        if (lines.Count > 0)
        {
            DurableAppend.Write(_stream, System.Text.Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n"));
        }

        // Only once written: a failed append is tried again with the next state rather than left out of the audit.
        _last = state;
    }

    public void Dispose() => _stream.Dispose();
}
