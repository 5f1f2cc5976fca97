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
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
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

        _last = state;
        if (lines.Count == 0)
        {
            return;
        }

        var bytes = System.Text.Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n");
        _stream.Write(bytes);
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();
}
