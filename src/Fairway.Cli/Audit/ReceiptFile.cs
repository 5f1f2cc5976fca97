using System.Text.Json;
using Fairway.Core.Crypto;

using ApiReceipt = Fairway.Api.Receipt;

namespace Fairway.Cli.Audit;

/// <summary>A receipts file that does not read: the message names the line and what is wrong with it.</summary>
internal sealed class ReceiptFileException(string message) : Exception(message);

/// <summary>
/// The receipts users hold, as JSON Lines: one transaction per line, in the shape <c>POST /v1/evidence/receipts</c>
/// takes plus its namespace, <c>{"transaction": hex, "namespace": n, "receipts": [{"validator", "received_at_ms",
/// "signature"}]}</c>. Every signature is checked; one that does not verify refuses the whole file, since a forged
/// receipt would make a finding against an honest validator.
/// </summary>
internal static class ReceiptFile
{
    public const int LinesMax = 100_000;
    public const int ReceiptsPerLineMax = Core.Validators.ValidatorSet.CountMax;

    /// <summary>Checks a receipt's signature: transaction, validator, received at, signature.</summary>
    public delegate bool ReceiptVerifier(Hash transaction, int validator, ulong receivedAtMs, Signature signature);

    public static List<HeldReceipt> Parse(IEnumerable<string> lines, ReceiptVerifier verify)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(verify);
        var receipts = new List<HeldReceipt>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (number > LinesMax)
            {
                throw new ReceiptFileException($"more than {LinesMax} lines: split the file");
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            receipts.AddRange(ParseLine(line, number, verify));
        }

        return receipts;
    }

    private static List<HeldReceipt> ParseLine(string line, int number, ReceiptVerifier verify)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException)
        {
            throw new ReceiptFileException($"line {number}: not a JSON object");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("transaction", out var txText) || txText.ValueKind != JsonValueKind.String
                || txText.GetString() is not { Length: Hash.Size * 2 } txHex || !txHex.All(char.IsAsciiHexDigit))
            {
                throw new ReceiptFileException($"line {number}: \"transaction\" must be a 64-character hex hash");
            }

            if (!root.TryGetProperty("namespace", out var nsElement) || !nsElement.TryGetUInt64(out var ns))
            {
                throw new ReceiptFileException($"line {number}: \"namespace\" must be an unsigned integer");
            }

            if (!root.TryGetProperty("receipts", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > ReceiptsPerLineMax)
            {
                throw new ReceiptFileException($"line {number}: \"receipts\" must be an array of 1 to {ReceiptsPerLineMax} receipts");
            }

            var transaction = Hash.ParseHex(txHex);
            var receipts = new List<HeldReceipt>();
            foreach (var item in list.EnumerateArray())
            {
                if (ApiReceipt.TryRead(item) is not { } receipt)
                {
                    throw new ReceiptFileException($"line {number}: {ApiReceipt.JsonShape}");
                }

                if (!verify(transaction, receipt.Validator, receipt.ReceivedAtMs, receipt.Signature))
                {
                    throw new ReceiptFileException($"line {number}: the receipt of validator {receipt.Validator} does not verify against the genesis validator set");
                }

                receipts.Add(new HeldReceipt(transaction, ns, receipt.Validator, receipt.ReceivedAtMs));
            }

            return receipts;
        }
    }
}
