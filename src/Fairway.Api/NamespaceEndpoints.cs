using Fairway.Ordering.Output;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>The namespace registry: which ordering policy orders each namespace, and what a client of it needs to know.</summary>
internal static class NamespaceEndpoints
{
    public static void Map(WebApplication app, IValidatorApi node)
    {
        app.MapGet("/v1/namespaces", () => Results.Json(new
        {
            default_policy = node.Namespaces.DefaultPolicy.Name,
            namespaces = node.Namespaces.Declared.Select(d => Entry(d.Id, d.Name, d.Policy, declared: true)),
            policies = OrderingPolicies.Names.Order(StringComparer.Ordinal).Select(name => Policy(OrderingPolicies.Get(name))),
        }));
        app.MapGet("/v1/namespaces/{ns}", (string ns) =>
        {
            if (!ApiEndpoints.TryParseNamespace(ns, out var id))
            {
                return ApiError.BadRequest("bad_namespace", "a namespace is an unsigned 64-bit integer");
            }

            // Every namespace has a policy: the declared one, or the chain's default.
            var declaration = node.Namespaces.Find(id);
            return Results.Json(Entry(id, declaration?.Name, node.Namespaces.PolicyOf(id), declaration is not null));
        });
    }

    private static object Entry(ulong id, string? name, IOrderingPolicy policy, bool declared) => new
    {
        id,
        name,
        policy = policy.Name,
        declared,
        policy_description = policy.Description,
    };

    private static object Policy(IOrderingPolicy policy) => new { name = policy.Name, description = policy.Description };
}
