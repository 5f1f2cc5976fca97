using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fairway.Api;

internal sealed class SubmitRequest
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 8,
    };

    [JsonPropertyName("namespace")]
    public ulong? Namespace { get; set; }

    [JsonPropertyName("payload")]
    public string? Payload { get; set; }
}
