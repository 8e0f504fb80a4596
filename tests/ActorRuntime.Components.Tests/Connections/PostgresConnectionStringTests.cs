using ActorRuntime.Components.Connections;
using Npgsql;

namespace ActorRuntime.Components.Tests.Connections;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void DaprDocsExample_KeywordValue()
    {
        var b = PostgresConnectionString.Parse("host=localhost user=postgres password=example port=5432 connect_timeout=10 database=mydb");

        Assert.Equal("localhost", b.Host);
        Assert.Equal("postgres", b.Username);
        Assert.Equal("example", b.Password);
        Assert.Equal(5432, b.Port);
        Assert.Equal(10, b.Timeout);
        Assert.Equal("mydb", b.Database);
    }

    [Fact]
    public void DaprSamplesExample_DbnameAndPool()
    {
        var b = PostgresConnectionString.Parse("user=postgres password=docker host=localhost port=5432 dbname=orders pool_min_conns=1 pool_max_conns=10");

        Assert.Equal(("postgres", "docker", "localhost", 5432, "orders"), (b.Username, b.Password, b.Host, b.Port, b.Database));
        Assert.Equal(1, b.MinPoolSize);
        Assert.Equal(10, b.MaxPoolSize);
    }

    [Theory]
    [InlineData("host=localhost user=postgres", PostgresConnectionStringForm.KeywordValue)]
    [InlineData("host=localhost", PostgresConnectionStringForm.KeywordValue)]
    [InlineData("  host = localhost   port = 5432 ", PostgresConnectionStringForm.KeywordValue)]
    [InlineData("host=localhost port=5432 password=a;b", PostgresConnectionStringForm.KeywordValue)]
    [InlineData("host=localhost password='a;b c=d'", PostgresConnectionStringForm.KeywordValue)]
    [InlineData("Host=localhost;Port=5432;Username=postgres", PostgresConnectionStringForm.Npgsql)]
    [InlineData("Host=localhost; Port=5432; Username=postgres;", PostgresConnectionStringForm.Npgsql)]
    [InlineData("host=localhost;port=5432", PostgresConnectionStringForm.Npgsql)]
    [InlineData("Host=localhost;Application Name=my app", PostgresConnectionStringForm.Npgsql)]
    [InlineData("Password=\"a b=c\";Host=localhost", PostgresConnectionStringForm.Npgsql)]
    [InlineData("Server=localhost", PostgresConnectionStringForm.Npgsql)]
    [InlineData("Host=localhost;", PostgresConnectionStringForm.Npgsql)]
    [InlineData("postgres://u@h/db", PostgresConnectionStringForm.Url)]
    [InlineData("postgresql://h", PostgresConnectionStringForm.Url)]
    [InlineData("POSTGRES://h", PostgresConnectionStringForm.Url)]
    public void Detect_IsUnambiguous(string raw, PostgresConnectionStringForm form) =>
        Assert.Equal(form, PostgresConnectionString.Detect(raw));

    [Fact]
    public void NpgsqlForm_IsUnchanged()
    {
        const string raw = "Host=127.0.0.1;Port=5440;Username=postgres;Database=actorrt;Maximum Pool Size=7;Include Error Detail=true";

        var b = PostgresConnectionString.Parse(raw);

        Assert.Equal(new NpgsqlConnectionStringBuilder(raw).ConnectionString, b.ConnectionString);
        Assert.Equal(7, b.MaxPoolSize);
        Assert.True(b.IncludeErrorDetail);
    }

    [Fact]
    public void ToNpgsql_IsIdempotent()
    {
        var once = PostgresConnectionString.ToNpgsql("host=db port=5433 user=me password='p w' dbname=x sslmode=require");
        Assert.Equal(once, PostgresConnectionString.ToNpgsql(once));
        Assert.Equal("p w", new NpgsqlConnectionStringBuilder(once).Password);
    }

    [Theory]
    [InlineData(@"password='it\'s here'", "it's here")]
    [InlineData(@"password='back\\slash'", @"back\slash")]
    [InlineData(@"password=''", "")]
    [InlineData(@"password = 'a b'", "a b")]
    [InlineData(@"password=no\ space", "no space")]
    [InlineData(@"password=semi;colon", "semi;colon")]
    public void KeywordValue_QuotesAndEscapes_AsLibpq(string setting, string password) =>
        Assert.Equal(password, PostgresConnectionString.Parse("host=h " + setting + " user=u").Password ?? "");

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void SslModes(string value, SslMode mode)
    {
        Assert.Equal(mode, PostgresConnectionString.Parse($"host=h sslmode={value}").SslMode);
        Assert.Equal(mode, PostgresConnectionString.Parse($"postgres://h/db?sslmode={value}").SslMode);
    }

    [Fact]
    public void OtherPgxKeys_MapToNpgsql()
    {
        var b = PostgresConnectionString.Parse(
            "host=h application_name='my app' search_path=app,public pool_max_conn_lifetime=1h " +
            "pool_max_conn_idle_time=10m pool_health_check_period=30s sslrootcert=/ca.pem target_session_attrs=read-write");

        Assert.Equal("my app", b.ApplicationName);
        Assert.Equal("app,public", b.SearchPath);
        Assert.Equal(3600, b.ConnectionLifetime);
        Assert.Equal(600, b.ConnectionIdleLifetime);
        Assert.Equal(30, b.ConnectionPruningInterval);
        Assert.Equal("/ca.pem", b.RootCertificate);
        Assert.Equal("read-write", b.TargetSessionAttributes);
    }

    [Fact]
    public void MultipleHosts_GetTheirPorts()
    {
        Assert.Equal("a:5432,b:5433", PostgresConnectionString.Parse("host=a,b port=5432,5433").Host);
        Assert.Equal("a:5432,b:5433", PostgresConnectionString.Parse("postgres://a:5432,b:5433/db").Host);
        var one = PostgresConnectionString.Parse("host=a,b port=6000");
        Assert.Equal(("a,b", 6000), (one.Host, one.Port));
    }

    [Fact]
    public void NoHost_IsLocalhost_AsLibpq() =>
        Assert.Equal("localhost", PostgresConnectionString.Parse("user=u dbname=d").Host);

    [Fact]
    public void Url_AllParts()
    {
        var b = PostgresConnectionString.Parse("postgresql://app:s3cr%40t%2Fx@db.example:6543/orders?sslmode=require&connect_timeout=7&pool_max_conns=12&application_name=my+app");

        Assert.Equal(("app", "s3cr@t/x", "db.example", 6543, "orders"), (b.Username, b.Password, b.Host, b.Port, b.Database));
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal(7, b.Timeout);
        Assert.Equal(12, b.MaxPoolSize);
        Assert.Equal("my app", b.ApplicationName);
    }

    [Fact]
    public void Url_PercentEscapedDatabaseAndIpv6Host()
    {
        var b = PostgresConnectionString.Parse("postgres://u@[::1]:5433/my%20db");

        Assert.Equal(("::1", 5433, "my db"), (b.Host, b.Port, b.Database));
    }

    [Fact]
    public void Url_QueryParameterWinsOverAuthority() =>
        Assert.Equal("other", PostgresConnectionString.Parse("postgres://u@h/db?dbname=other").Database);

    [Theory]
    [InlineData("host=h foo=bar", "foo")]
    [InlineData("host=h Port=5432", "Port")]
    [InlineData("postgres://h/db?foo=bar", "foo")]
    [InlineData("host=h port=abc", "port")]
    [InlineData("host=h port=70000", "port")]
    [InlineData("host=h sslmode=sometimes", "sslmode")]
    [InlineData("host=h connect_timeout=-1", "connect_timeout")]
    [InlineData("host=h pool_max_conns=0", "pool_max_conns")]
    [InlineData("host=h pool_max_conn_lifetime=forever", "pool_max_conn_lifetime")]
    [InlineData("host=h pool_max_conn_lifetime_jitter=1m", "pool_max_conn_lifetime_jitter")]
    [InlineData("host=h pool_min_conns=5 pool_max_conns=2", "pool_min_conns")]
    [InlineData("host=a,b,c port=1,2", "port")]
    [InlineData("host=h hostaddr=10.0.0.1", "hostaddr")]
    [InlineData("host=h application_name", "application_name")]
    [InlineData("host=h password='open", "password")]
    public void Malformed_NamesTheKey(string raw, string key)
    {
        var error = Assert.Throws<ConnectionStringException>(() => PostgresConnectionString.Parse(raw));
        Assert.Contains(key, error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Name or service", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("host=h password=hunter2 foo=bar")]
    [InlineData("host=h password=my secret port=5")]
    [InlineData("host=h password=my secret=x port=5")]
    [InlineData("host=h password='hunter2")]
    [InlineData("postgres://u:hunter2%zz@h/db")]
    [InlineData("postgres://u:hunter2@h/db?port=x")]
    [InlineData("Host=h;Password=hunter2;Bogus=1")]
    [InlineData("Host=h;Password=hunter2;Port=abc")]
    public void Errors_NeverShowThePassword(string raw)
    {
        var error = Assert.Throws<ConnectionStringException>(() => PostgresConnectionString.Parse(raw));
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadPercentEscape_IsAnError() =>
        Assert.Contains("percent-escape", Assert.Throws<ConnectionStringException>(() => PostgresConnectionString.Parse("postgres://h/db%G1")).Problem);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_IsAnError(string raw) => Assert.Throws<ConnectionStringException>(() => PostgresConnectionString.Parse(raw));
}
