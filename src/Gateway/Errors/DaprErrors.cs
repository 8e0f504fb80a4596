using Grpc.Core;

namespace ActorRuntime.Gateway.Errors;

/// <summary>The errors daprd returns, with its codes, statuses and message texts.</summary>
public static class DaprErrors
{
    public static DaprError MalformedRequest(string detail) =>
        new("ERR_MALFORMED_REQUEST", $"failed deserializing HTTP body: {detail}", 400, StatusCode.InvalidArgument);

    public static DaprError IllegalKey(string key) =>
        new("ERR_MALFORMED_REQUEST", $"input key/keyPrefix '{key}' can't contain '||'", 400, StatusCode.InvalidArgument);

    public static DaprError StateStoresNotConfigured() =>
        new("ERR_STATE_STORES_NOT_CONFIGURED", "state store is not configured", 500, StatusCode.FailedPrecondition);

    public static DaprError StateStoreNotFound(string store) =>
        new("ERR_STATE_STORE_NOT_FOUND", $"state store {store} is not found", 400, StatusCode.InvalidArgument);

    public static DaprError StateGet(string key, string store, string detail) =>
        new("ERR_STATE_GET", $"fail to get {key} from state store {store}: {detail}", 500, StatusCode.Internal);

    public static DaprError StateSave(string store, string detail, int http = 500, StatusCode grpc = StatusCode.Internal) =>
        new("ERR_STATE_SAVE", $"failed saving state in state store {store}: {detail}", http, grpc);

    public static DaprError StateDelete(string key, string detail, int http = 500, StatusCode grpc = StatusCode.Internal) =>
        new("ERR_STATE_DELETE", $"failed deleting state with key {key}: {detail}", http, grpc);

    public static DaprError StateDeleteBulk(string store, string detail, int http = 500, StatusCode grpc = StatusCode.Internal) =>
        new("ERR_STATE_DELETE", $"failed deleting state in state store {store}: {detail}", http, grpc);

    public static DaprError StateTransaction(string detail, int http = 500, StatusCode grpc = StatusCode.Internal) =>
        new("ERR_STATE_TRANSACTION", $"error while executing state transaction: {detail}", http, grpc);

    public static DaprError TransactionsNotSupported(string store) =>
        new("ERR_STATE_STORE_NOT_SUPPORTED", $"state store {store} doesn't support transaction", 500, StatusCode.Unimplemented);

    public static DaprError QueryNotSupported(string store) =>
        new("ERR_STATE_STORE_NOT_SUPPORTED", $"state store {store} doesn't support query", 500, StatusCode.Unimplemented);

    public static DaprError OperationNotSupported(string operation) =>
        new("ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {operation} not supported", 400, StatusCode.Unimplemented);

    public static DaprError TooManyTransactionOperations(int count, int max) =>
        new("ERR_STATE_STORE_TOO_MANY_TRANSACTIONS", $"the transaction contains {count} operations, which is more than what the state store supports: {max}", 400, StatusCode.InvalidArgument);

    public static DaprError StateQuery(string store, string detail, int http = 500, StatusCode grpc = StatusCode.Internal) =>
        new("ERR_STATE_QUERY", $"failed query in state store {store}: {detail}", http, grpc);

    public static DaprError HealthNotReady() =>
        new("ERR_HEALTH_NOT_READY", "dapr is not ready", 500, StatusCode.Unavailable);

    public static DaprError HealthAppIdNotMatch() =>
        new("ERR_HEALTH_APPID_NOT_MATCH", "dapr app-id does not match", 500, StatusCode.InvalidArgument);

    public static DaprError MetadataBody(string detail) =>
        new("ERR_MALFORMED_REQUEST", $"failed reading metadata value: {detail}", 400, StatusCode.InvalidArgument);

    public static DaprError ApiNotFound(string path) =>
        new("ERR_NOT_FOUND", $"method \"{path}\" is not found", 404, StatusCode.Unimplemented);

    public static DaprError SecretStoresNotConfigured() =>
        new("ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured", 500, StatusCode.FailedPrecondition);

    // daprd answers 401 for an unknown store (a quirk SDKs rely on).
    public static DaprError SecretStoreNotFound(string store) =>
        new("ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {store}", 401, StatusCode.InvalidArgument);

    public static DaprError SecretPermissionDenied(string key, string store) =>
        new("ERR_PERMISSION_DENIED", $"access denied by policy to get \"{key}\" from \"{store}\"", 403, StatusCode.PermissionDenied);

    public static DaprError SecretGet(string key, string store, string detail) =>
        new("ERR_SECRET_GET", $"failed getting secret with key {key} from secret store {store}: {detail}", 500, StatusCode.Internal);

    public static DaprError BulkSecretGet(string store, string detail) =>
        new("ERR_SECRET_GET", $"failed getting secrets from secret store {store}: {detail}", 500, StatusCode.Internal);

    public static DaprError ConfigurationStoresNotConfigured() =>
        new("ERR_CONFIGURATION_STORE_NOT_CONFIGURED", "configuration stores not configured", 500, StatusCode.FailedPrecondition);

    public static DaprError ConfigurationStoreNotFound(string store) =>
        new("ERR_CONFIGURATION_STORE_NOT_FOUND", $"configuration store {store} not found", 400, StatusCode.InvalidArgument);

    public static DaprError ConfigurationGet(string keys, string store, string detail) =>
        new("ERR_CONFIGURATION_GET", $"failed to get {keys} from Configuration store {store}: {detail}", 500, StatusCode.Internal);

    public static DaprError ConfigurationSubscribe(string keys, string store, string detail) =>
        new("ERR_CONFIGURATION_SUBSCRIBE", $"failed to subscribe {keys} from Configuration store {store}: {detail}", 500, StatusCode.Internal);

    public static DaprError DirectInvoke(string appId, string detail, int http = 500, StatusCode grpc = StatusCode.Internal) =>
        new("ERR_DIRECT_INVOKE", $"failed to invoke, id: {appId}, err: {detail}", http, grpc);

    public static DaprError DirectInvokeNoAppId() =>
        new("ERR_DIRECT_INVOKE", "failed getting app id either from the URL path or the header dapr-app-id", 404, StatusCode.NotFound);

    public static DaprError AccessDenied(string appId, string callerAppId, string operation, string verb) =>
        DirectInvoke(appId, $"rpc error: code = PermissionDenied desc = access control policy has denied access to id: {callerAppId} operation: {operation} verb: {verb}", 403, StatusCode.PermissionDenied);

    public static DaprError BodyTooLarge(int limitMegabytes) =>
        new("ERR_MALFORMED_REQUEST", $"failed to read request body: request body too large; the limit is {limitMegabytes} MB (--dapr-http-max-request-size)", 413, StatusCode.ResourceExhausted);

    public static DaprError ActorRuntimeNotFound() =>
        new("ERR_ACTOR_RUNTIME_NOT_FOUND", "actor runtime is not configured: no state store has actorStateStore set to true", 500, StatusCode.Internal);

    public static DaprError ActorInvoke(string detail) =>
        new("ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method: {detail}", 500, StatusCode.Internal);

    public static DaprError ActorInstanceMissing(string type, string id) =>
        new("ERR_ACTOR_INSTANCE_MISSING", $"actor instance is missing: {type}/{id} is not hosted by this app", 400, StatusCode.InvalidArgument);

    public static DaprError ActorReminderNonHosted() =>
        new("ERR_ACTOR_REMINDER_NON_HOSTED", "operations on actor reminders are only possible on hosted actor types", 403, StatusCode.PermissionDenied);

    public static DaprError ActorReminderCreate(string detail) =>
        new("ERR_ACTOR_REMINDER_CREATE", $"error creating actor reminder: {detail}", 500, StatusCode.Internal);

    public static DaprError ActorReminderGet(string detail, int http = 500) =>
        new("ERR_ACTOR_REMINDER_GET", $"error getting actor reminder: {detail}", http, http == 404 ? StatusCode.NotFound : StatusCode.Internal);

    public static DaprError ActorReminderDelete(string detail) =>
        new("ERR_ACTOR_REMINDER_DELETE", $"error deleting actor reminder: {detail}", 500, StatusCode.Internal);

    public static DaprError ActorTimerCreate(string detail) =>
        new("ERR_ACTOR_TIMER_CREATE", $"error creating actor timer: {detail}", 500, StatusCode.Internal);

    public static DaprError ActorTimerDelete(string detail) =>
        new("ERR_ACTOR_TIMER_DELETE", $"error deleting actor timer: {detail}", 500, StatusCode.Internal);

    public static DaprError ActorStateGet(string detail) =>
        new("ERR_ACTOR_STATE_GET", $"error getting actor state: {detail}", 500, StatusCode.Internal);

    public static DaprError ActorStateTransaction(string detail) =>
        new("ERR_ACTOR_STATE_TRANSACTION_SAVE", $"error saving actor transaction state: {detail}", 500, StatusCode.Internal);

    public static DaprError PubSubEmpty() =>
        new("ERR_PUBSUB_EMPTY", "pubsub name is empty", 404, StatusCode.InvalidArgument);

    public static DaprError PubSubNotFound(string pubsub) =>
        new("ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} is not found", 404, StatusCode.InvalidArgument);

    public static DaprError PubSubNotConfigured() =>
        new("ERR_PUBSUB_NOT_CONFIGURED", "no pubsub is configured", 400, StatusCode.FailedPrecondition);

    public static DaprError TopicEmpty(string pubsub) =>
        new("ERR_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}", 404, StatusCode.InvalidArgument);

    public static DaprError PubSubRequestMetadata(string detail) =>
        new("ERR_PUBSUB_REQUEST_METADATA", $"failed deserializing metadata: {detail}", 400, StatusCode.InvalidArgument);

    public static DaprError PubSubCloudEventsSer(string topic, string pubsub, string detail) =>
        new("ERR_PUBSUB_CLOUD_EVENTS_SER", $"error when marshalling cloud event envelope for topic {topic} pubsub {pubsub}: {detail}", 500, StatusCode.InvalidArgument);

    public static DaprError PubSubPublish(string topic, string pubsub, string detail) =>
        new("ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publish to topic {topic} in pubsub {pubsub}: {detail}", 500, StatusCode.Internal);

    public static DaprError PubSubEventsSer(string topic, string pubsub, string detail) =>
        new("ERR_PUBSUB_EVENTS_SER", $"error when marshalling events for bulk publish to topic {topic} pubsub {pubsub}: {detail}", 400, StatusCode.InvalidArgument);

    public static DaprError PubSubForbidden(string topic, string pubsub, string appId) =>
        new("ERR_PUBSUB_FORBIDDEN", $"topic {topic} is not allowed for app id {appId} in pubsub {pubsub}", 403, StatusCode.PermissionDenied);
}
