using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Middleware;
using ActorRuntime.Components.Model;
using Microsoft.Extensions.Logging.Abstractions;
using static ActorRuntime.Components.Tests.Middleware.MiddlewareTestKit;

namespace ActorRuntime.Components.Tests.Middleware;

/// <summary>Building a pipeline from the Configuration's handlers and running it in the declared order.</summary>
public sealed class HttpMiddlewarePipelineTests
{
    private const string Config = "/tmp/config.yaml";

    private static ComponentRegistry Registry(params ComponentDefinition[] definitions)
    {
        var catalog = new ComponentCatalog(ComponentTypes.BuiltIn);
        return new ComponentRegistry(definitions, catalog, NullLogger<ComponentRegistry>.Instance);
    }

    private static ComponentDefinition Named(string name, string type, params (string, string)[] metadata)
    {
        var d = Definition(type, metadata);
        return new ComponentDefinition { Name = name, Type = d.Type, SourceFile = d.SourceFile, Metadata = d.Metadata };
    }

    private static readonly ComponentDefinition Alias = Named("alias", "middleware.http.routeralias", ("routes", "{\"/shop\": \"/v1.0/invoke/shop/method/items\"}"));
    private static readonly ComponentDefinition Checker = Named("checker", "middleware.http.routerchecker", ("rule", "^/v1\\.0/"));

    [Fact]
    public async Task Handlers_run_in_the_declared_order()
    {
        var registry = Registry(Alias, Checker);
        var aliasFirst = HttpMiddlewarePipeline.Build([new("alias", "middleware.http.routeralias"), new("checker", "middleware.http.routerchecker")], "httpPipeline", Config, registry);
        var request = Request("/shop");
        Assert.Null(await aliasFirst.RunAsync(request, CancellationToken.None));
        Assert.Equal("/v1.0/invoke/shop/method/items", request.Path);

        var checkerFirst = HttpMiddlewarePipeline.Build([new("checker", "middleware.http.routerchecker"), new("alias", "middleware.http.routeralias")], "httpPipeline", Config, registry);
        Assert.Equal(400, (await checkerFirst.RunAsync(Request("/shop"), CancellationToken.None))?.StatusCode);
        Assert.Equal(["checker", "alias"], checkerFirst.Names);
    }

    [Fact]
    public void A_handler_naming_no_loaded_component_names_file_handler_and_field()
    {
        var e = Assert.Throws<ComponentConfigurationException>(() =>
            HttpMiddlewarePipeline.Build([new("alias", "middleware.http.routeralias"), new("nope", "middleware.http.bearer")], "appHttpPipeline", Config, Registry(Alias)));
        Assert.Equal("spec.appHttpPipeline.handlers[1].name", e.Field);
        Assert.Contains(Config, e.Message);
        Assert.Contains("'nope'", e.Message);
    }

    [Fact]
    public void A_handler_whose_type_differs_from_the_component_or_is_not_http_middleware_is_refused()
    {
        var e = Assert.Throws<ComponentConfigurationException>(() =>
            HttpMiddlewarePipeline.Build([new("alias", "middleware.http.uppercase")], "httpPipeline", Config, Registry(Alias)));
        Assert.Equal("spec.httpPipeline.handlers[0].type", e.Field);
        var notHttp = Assert.Throws<ComponentConfigurationException>(() =>
            HttpMiddlewarePipeline.Build([new("alias", "state.redis")], "httpPipeline", Config, Registry(Alias)));
        Assert.Equal("spec.httpPipeline.handlers[0].type", notHttp.Field);
    }

    [Fact]
    public void An_unknown_middleware_type_in_a_component_file_stops_loading()
    {
        var e = Assert.Throws<ComponentConfigurationException>(() => Registry(Named("x", "middleware.http.nosuch")));
        Assert.Equal("spec.type", e.Field);
    }
}
