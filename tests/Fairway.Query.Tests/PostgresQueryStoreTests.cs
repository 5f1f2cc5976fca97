using Fairway.Storage.Query;
using Npgsql;

namespace Fairway.Query.Tests;

/// <summary>
/// The contract against a real PostgreSQL, each test in a schema of its own that is dropped afterwards.
/// The server comes from <c>FAIRWAY_TEST_POSTGRES</c> (an Npgsql connection string; <c>scripts/postgres-test-server
/// start</c> provides one). Without it every test here fails, so a run that forgot the database cannot pass for one
/// that tested it, unless <c>FAIRWAY_TEST_POSTGRES_OPTIONAL=1</c> is set for a quick local run: then they return at
/// once (xunit 2 has no run-time skip).
/// </summary>
public sealed class PostgresQueryStoreTests : QueryStoreContract
{
    public const string ConnectionVariable = "FAIRWAY_TEST_POSTGRES";
    public const string OptionalVariable = "FAIRWAY_TEST_POSTGRES_OPTIONAL";

    private readonly string? _connectionString;
    private readonly string _schema = "fairway_test_" + Guid.NewGuid().ToString("N");
    private bool _opened;

    public PostgresQueryStoreTests()
    {
        _connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(_connectionString))
        {
            _connectionString = null;
            if (Environment.GetEnvironmentVariable(OptionalVariable) != "1")
            {
                throw new InvalidOperationException(
                    $"{ConnectionVariable} is not set, so the PostgreSQL query store cannot be tested. Start a throwaway " +
                    $"server with: eval \"$(scripts/postgres-test-server start)\" (and scripts/postgres-test-server stop " +
                    $"afterwards), or set {OptionalVariable}=1 to let these tests pass without a database on a local quick run.");
            }
        }
    }

    protected override bool Unavailable => _connectionString is null;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException($"{ConnectionVariable} is not set");

    protected override IQueryStore Open()
    {
        _opened = true;
        return new PostgresQueryStore(ConnectionString, _schema);
    }

    public override void Dispose()
    {
        base.Dispose();
        if (_connectionString is not null && _opened)
        {
            using var connection = new NpgsqlConnection(_connectionString);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            drop.ExecuteNonQuery();
        }
    }

    [Fact]
    public void Stores_in_different_schemas_do_not_see_each_other()
    {
        if (Unavailable) return;
        IndexAll(new QueryTestChain(2));
        var otherSchema = _schema + "_other";
        try
        {
            using var other = new PostgresQueryStore(ConnectionString, otherSchema);

            Assert.Equal(0UL, other.IndexedHeight);
            Assert.Null(other.GetBlock(1));
            Assert.Equal(2UL, Store.IndexedHeight);
        }
        finally
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {otherSchema} CASCADE", connection);
            drop.ExecuteNonQuery();
        }
    }

    [Fact]
    public void Two_live_stores_on_one_schema_share_the_index()
    {
        if (Unavailable) return;
        var chain = new QueryTestChain(2);
        using var second = new PostgresQueryStore(ConnectionString, _schema);

        Store.Index(chain.At(1), chain.BatchesAt(1));
        second.Index(chain.At(1), chain.BatchesAt(1));
        second.Index(chain.At(2), chain.BatchesAt(2));

        Assert.Equal(2UL, Store.IndexedHeight);
        AssertSame(chain.At(2), Store.GetBlock(2));
    }

    [Theory]
    [InlineData("Fairway")]
    [InlineData("x; DROP TABLE y")]
    [InlineData("1abc")]
    public void A_schema_name_that_is_not_a_plain_identifier_is_refused(string schema)
    {
        Assert.Throws<ArgumentException>(() => new PostgresQueryStore("Host=127.0.0.1", schema));
    }
}
