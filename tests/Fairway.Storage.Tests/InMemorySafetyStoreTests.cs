namespace Fairway.Storage.Tests;

public sealed class InMemorySafetyStoreTests : SafetyStoreContract
{
    protected override ISafetyStore Store { get; } = new InMemorySafetyStore();
}
