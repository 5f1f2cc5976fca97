using System.Globalization;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Node.Runtime;

/// <summary>One epoch's start: the previous epoch's last block (which carries the change), its certificate, and, once
/// known, the certificate that committed it (what a validator left in the previous epoch needs to catch up).</summary>
internal sealed record EpochStart(ulong Epoch, ulong Previous, Block LastBlock, QuorumCertificate Certificate, QuorumCertificate? Closing)
{
    public EpochChange Change => LastBlock.NextEpoch!;
}

/// <summary>
/// The epochs this validator has entered, appended and fsynced in <c>data/epochs.log</c>, one line each:
/// <c>end EPOCH PREVIOUS BLOCK CERTIFICATE</c> when the last block of PREVIOUS is committed (before the commit is queued,
/// so a restart never finds the block committed without knowing the epoch it started), and <c>closing PREVIOUS QC</c>
/// when the certificate that committed it is known. A torn last line from a crash mid-write is dropped; any other line
/// that does not parse stops the node with its number, since guessing the epoch would risk signing in the wrong one.
/// </summary>
internal sealed class EpochLog : IDisposable
{
    /// <summary>Epoch starts kept in memory, for answering validators left behind; the newest is always kept.</summary>
    public const int RecentMax = 64;

    private const int BlockHexMax = 2 * Limits.FrameBytesMax;

    private readonly FileStream _file;
    private readonly List<EpochStart> _recent = [];

    public EpochLog(string path, Hash chainId)
    {
        var good = 0L;
        if (File.Exists(path))
        {
            var length = new FileInfo(path).Length;
            using var reader = new StreamReader(path);
            var offset = 0L;
            var number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                offset += System.Text.Encoding.UTF8.GetByteCount(line) + 1;
                var torn = offset > length;
                if (!torn && Apply(line, chainId) is { } error)
                {
                    if (reader.Peek() < 0)
                    {
                        break;
                    }

                    throw new InvalidDataException($"{path} line {number}: {error}");
                }

                if (torn)
                {
                    break;
                }

                good = offset;
            }
        }

        _file = DurableAppend.Open(path);
        _file.SetLength(Math.Min(good, _file.Length));
        _file.Seek(0, SeekOrigin.End);
    }

    /// <summary>The epoch this validator is in, or null for epoch 0 (genesis).</summary>
    public EpochStart? Latest
    {
        get
        {
            lock (_recent)
            {
                return _recent.Count == 0 ? null : _recent[^1];
            }
        }
    }

    /// <summary>The recent epoch starts, oldest first. Read by API threads: a copy, taken under the lock.</summary>
    public IReadOnlyList<EpochStart> Recent
    {
        get
        {
            lock (_recent)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>The start of the epoch that followed <paramref name="ended"/>, when still held.</summary>
    public EpochStart? After(ulong ended)
    {
        lock (_recent)
        {
            return _recent.FindLast(s => s.Previous == ended);
        }
    }

    public void AppendEnd(EpochStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        Write(string.Create(CultureInfo.InvariantCulture,
            $"end {start.Epoch} {start.Previous} {Convert.ToHexStringLower(start.LastBlock.Encoded)} {Convert.ToHexStringLower(Canonical.Encode(start.Certificate))}\n"));
        Remember(start);
    }

    public void AppendClosing(ulong previous, QuorumCertificate closing)
    {
        ArgumentNullException.ThrowIfNull(closing);
        Write(string.Create(CultureInfo.InvariantCulture, $"closing {previous} {Convert.ToHexStringLower(Canonical.Encode(closing))}\n"));
        SetClosing(previous, closing);
    }

    public void Dispose() => _file.Dispose();

    private void Write(string line)
    {
        DurableAppend.Write(_file, System.Text.Encoding.ASCII.GetBytes(line));
    }

    private void Remember(EpochStart start)
    {
        lock (_recent)
        {
            _recent.Add(start);
            if (_recent.Count > RecentMax)
            {
                _recent.RemoveAt(0);
            }
        }
    }

    private void SetClosing(ulong previous, QuorumCertificate closing)
    {
        lock (_recent)
        {
            var i = _recent.FindLastIndex(s => s.Previous == previous);
            if (i >= 0)
            {
                _recent[i] = _recent[i] with { Closing = closing };
            }
        }
    }

    /// <summary>Takes one line in; the reason it cannot, or null.</summary>
    private string? Apply(string line, Hash chainId)
    {
        var parts = line.Split(' ');
        try
        {
            switch (parts)
            {
                case ["end", var epochText, var previousText, var blockHex, var certificateHex] when blockHex.Length <= BlockHexMax:
                    var epoch = ulong.Parse(epochText, NumberStyles.None, CultureInfo.InvariantCulture);
                    var previous = ulong.Parse(previousText, NumberStyles.None, CultureInfo.InvariantCulture);
                    var block = Canonical.Decode(Convert.FromHexString(blockHex), Block.Decode, "epoch log block");
                    var certificate = Canonical.Decode(Convert.FromHexString(certificateHex), QuorumCertificate.Decode, "epoch log certificate");
                    if (block.ChainId != chainId || block.NextEpoch?.Epoch != epoch || epoch <= previous || certificate.BlockHash != block.Hash
                        || (Latest is { } last && (last.Epoch != previous || block.Height <= last.LastBlock.Height)))
                    {
                        return "an epoch start that does not follow the one before it";
                    }

                    Remember(new EpochStart(epoch, previous, block, certificate, null));
                    return null;
                case ["closing", var endedText, var qcHex]:
                    var ended = ulong.Parse(endedText, NumberStyles.None, CultureInfo.InvariantCulture);
                    SetClosing(ended, Canonical.Decode(Convert.FromHexString(qcHex), QuorumCertificate.Decode, "epoch log closing certificate"));
                    return null;
                default:
                    return "not an epoch record";
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or EncodingException)
        {
            return e.Message;
        }
    }
}
