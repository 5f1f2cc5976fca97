using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fairway.Chaos.History;

/// <summary>
/// A history on disk as JSON lines, one record a line with a "type" field, snake_case. Outputs are split into an
/// "output" line per node and namespace and an "output_height" line per height, so no line grows with the run's length.
/// </summary>
public static class HistoryFile
{
    public const int Format = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    private sealed record HeaderLine(int Format, long EndMs);

    private sealed record OutputLine(int Node, ulong Namespace, bool Complete);

    private sealed record OutputHeightLine(int Node, ulong Namespace, ulong Height, string OutputHash, IReadOnlyList<string> Transactions);

    public static void Write(string path, ChaosHistory h)
    {
        ArgumentNullException.ThrowIfNull(h);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var json = new Utf8JsonWriter(file);
        void Line<T>(string type, T record)
        {
            var element = JsonSerializer.SerializeToElement(record, Json);
            json.WriteStartObject();
            json.WriteString("type", type);
            foreach (var property in element.EnumerateObject())
                property.WriteTo(json);
            json.WriteEndObject();
            json.Flush();
            json.Reset();
            file.WriteByte((byte)'\n');
        }

        Line("history", new HeaderLine(Format, h.EndMs));
        foreach (var op in h.Ops)
            Line("op", op);
        foreach (var delivery in h.Deliveries)
            Line("delivery", delivery);
        foreach (var reconnect in h.Reconnects)
            Line("reconnect", reconnect);
        foreach (var output in h.Outputs)
        {
            Line("output", new OutputLine(output.Node, output.Namespace, output.Complete));
            foreach (var (height, at) in output.Heights.OrderBy(x => x.Key))
                Line("output_height", new OutputHeightLine(output.Node, output.Namespace, height, at.OutputHash, at.Transactions));
        }
        foreach (var fault in h.Faults)
            Line("fault", fault);
        foreach (var sample in h.Progress)
            Line("progress", sample);
    }

    /// <summary>Reads a history back; anything malformed is an <see cref="InvalidDataException"/> naming the line.</summary>
    public static ChaosHistory Read(string path)
    {
        var ops = new List<ClientOp>();
        var deliveries = new List<StreamDelivery>();
        var reconnects = new List<StreamReconnect>();
        var outputs = new List<(OutputLine Line, Dictionary<ulong, HeightOutput> Heights)>();
        var outputAt = new Dictionary<(int, ulong), Dictionary<ulong, HeightOutput>>();
        var faults = new List<FaultRecord>();
        var progress = new List<ProgressSample>();
        HeaderLine? header = null;
        var number = 0;
        foreach (var text in File.ReadLines(path, Encoding.UTF8))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            var type = TypeOf(text, path, number);
            switch (type)
            {
                case "history":
                    if (header is not null)
                        throw Bad(path, number, "a second \"history\" line");
                    header = Parse<HeaderLine>(text, type, path, number);
                    if (header.Format != Format)
                        throw Bad(path, number, $"format {header.Format}; this build reads format {Format}");
                    break;
                case "op":
                    ops.Add(Parse<ClientOp>(text, type, path, number));
                    break;
                case "delivery":
                    var delivery = Parse<StreamDelivery>(text, type, path, number);
                    NoNullTransactions(delivery.Transactions, path, number);
                    deliveries.Add(delivery);
                    break;
                case "reconnect":
                    reconnects.Add(Parse<StreamReconnect>(text, type, path, number));
                    break;
                case "output":
                    var output = Parse<OutputLine>(text, type, path, number);
                    var heights = new Dictionary<ulong, HeightOutput>();
                    if (!outputAt.TryAdd((output.Node, output.Namespace), heights))
                        throw Bad(path, number, $"a second \"output\" line for node {output.Node} namespace {output.Namespace}");
                    outputs.Add((output, heights));
                    break;
                case "output_height":
                    var line = Parse<OutputHeightLine>(text, type, path, number);
                    NoNullTransactions(line.Transactions, path, number);
                    if (!outputAt.TryGetValue((line.Node, line.Namespace), out var into))
                        throw Bad(path, number, $"an output height for node {line.Node} namespace {line.Namespace} before its \"output\" line");
                    if (!into.TryAdd(line.Height, new HeightOutput(line.OutputHash, line.Transactions)))
                        throw Bad(path, number, $"height {line.Height} of node {line.Node} namespace {line.Namespace} given twice");
                    break;
                case "fault":
                    faults.Add(Parse<FaultRecord>(text, type, path, number));
                    break;
                case "progress":
                    progress.Add(Parse<ProgressSample>(text, type, path, number));
                    break;
                default:
                    throw Bad(path, number, $"unknown record type \"{type}\"");
            }
        }
        if (header is null)
            throw new InvalidDataException($"{path}: no \"history\" line; this is not a chaos history");
        return new ChaosHistory(
            ops,
            deliveries,
            reconnects,
            [.. outputs.Select(o => new NodeOutputs(o.Line.Node, o.Line.Namespace, o.Heights, o.Line.Complete))],
            faults,
            progress,
            header.EndMs);
    }

    private static string TypeOf(string text, string path, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(path, number, "not a JSON object");
            if (!document.RootElement.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                throw Bad(path, number, "no \"type\" string");
            return type.GetString()!;
        }
        catch (JsonException e)
        {
            throw Bad(path, number, $"not JSON ({e.Message})", e);
        }
    }

    private static T Parse<T>(string text, string type, string path, int number)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json) ?? throw Bad(path, number, $"an empty \"{type}\" record");
        }
        catch (JsonException e)
        {
            throw Bad(path, number, $"a malformed \"{type}\" record ({e.Message})", e);
        }
    }

    private static void NoNullTransactions(IReadOnlyList<string> transactions, string path, int number)
    {
        if (transactions.Any(t => t is null))
            throw Bad(path, number, "a null transaction");
    }

    private static InvalidDataException Bad(string path, int number, string what, Exception? inner = null) =>
        new($"{path} line {number}: {what}", inner);
}
