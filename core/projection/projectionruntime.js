// The EventStoreDB / KurrentDB projection language, as the server's Jint runtime (V1 engine, 26.1.1+) runs it.
// ProjectionEngine evaluates this file once per QJSEngine; it evaluates to a function that installs the
// declaration globals and returns the runtime's API to C++. Everything the user's script could replace
// (JSON, Object, Array, ...) is captured here first, so a script cannot change how states are stored.
// docs/projections.md and ../shared/reference/projection-language.md explain each rule; section numbers
// below refer to the latter.
(function (global, allowConsole) {
    "use strict";

    var StringType = String;
    var stringify = JSON.stringify;
    var parseJson = JSON.parse;
    var ownNames = Object.getOwnPropertyNames;
    var ownSymbols = Object.getOwnPropertySymbols;
    var ownDescriptor = Object.getOwnPropertyDescriptor;
    var defineProperty = Object.defineProperty;
    var isArray = Array.isArray;
    var objectKeys = Object.keys;
    var getPrototype = Object.getPrototypeOf;
    var objectPrototype = Object.prototype;
    var arrayPrototype = Array.prototype;
    var objectCreate = Object.create;
    var arrayFrom = Array.from;
    var hasOwn = Object.prototype.hasOwnProperty;
    var applyFunction = Reflect.apply;
    var isFiniteNumber = Number.isFinite;
    var ErrorType = Error;
    var TypeErrorType = TypeError;
    var MapType = Map;
    var stringTrim = String.prototype.trim;
    var stringToLowerCase = String.prototype.toLowerCase;
    var stringIndexOf = String.prototype.indexOf;
    var arrayPush = Array.prototype.push;
    var arrayJoin = Array.prototype.join;
    var kMaxDepth = 64;

    // Faults raised by the runtime itself carry this marker, so C++ can tell them from the script's own errors.
    function fault(message) {
        var error = new ErrorType(message);
        error.projectionFault = true;
        throw error;
    }

    // ---- the state serializer (section 6): own properties, non-enumerable ones too; no toJSON ----

    function serializeValue(value, depth, path) {
        switch (typeof value) {
        case "undefined":
        case "symbol":
            return undefined;
        case "boolean":
            return value ? "true" : "false";
        case "number":
            return isFiniteNumber(value) ? stringify(value) : "null";
        case "string":
            return stringify(value);
        case "bigint":
            return stringify(value.toString());
        case "function":
            // An ordinary function has a prototype whose constructor points back at it: a cycle.
            if (applyFunction(hasOwn, value, ["prototype"]))
                fault("The state cannot be serialized: a function is a cycle (prototype.constructor)");
            return '{"length":' + stringify(value.length) + ',"name":' + stringify(StringType(value.name)) + "}";
        }
        if (value === null)
            return "null";
        if (depth >= kMaxDepth)
            fault("The state cannot be serialized: it is nested deeper than " + kMaxDepth + " levels");
        for (var i = 0; i < path.length; ++i) {
            if (path[i] === value)
                fault("The state cannot be serialized: it contains a cycle");
        }
        path[path.length] = value;
        var text;
        if (isArray(value)) {
            text = "[";
            for (var index = 0; index < value.length; ++index) {
                var element = serializeValue(value[index], depth + 1, path);
                text += (index > 0 ? "," : "") + (element === undefined ? "null" : element);
            }
            text += "]";
        } else {
            if (ownSymbols(value).length > 0)
                fault("The state cannot be serialized: it has a symbol key");
            var names = ownNames(value);
            text = "{";
            var first = true;
            for (var n = 0; n < names.length; ++n) {
                var descriptor = ownDescriptor(value, names[n]);
                if (descriptor.get !== undefined || descriptor.set !== undefined)
                    fault("The state cannot be serialized: property '" + names[n] + "' is a getter");
                var member = serializeValue(descriptor.value, depth + 1, path);
                if (member === undefined)
                    continue;
                text += (first ? "" : ",") + stringify(names[n]) + ":" + member;
                first = false;
            }
            text += "}";
        }
        path.length = path.length - 1;
        return text;
    }

    // Whether JSON.stringify writes exactly what serializeValue would: plain objects and arrays (their
    // standard prototypes, no toJSON, every own property enumerable, no symbol keys) holding strings,
    // numbers, booleans, null and undefined, no deeper than the limit (which also bounds a cycle's walk).
    // QV4 needs ~7 us to read the descriptors of a 7-key object and ~7 us to stringify it: this check
    // (~2 us) lets most states skip the descriptors. Its blind spot: an enumerable getter written in an
    // object literal is read instead of refused (docs/projections.md, "Differences").
    function isPlain(value, depth) {
        var type = typeof value;
        if (type !== "object")
            return type === "string" || type === "number" || type === "boolean" || type === "undefined";
        if (value === null)
            return true;
        if (depth >= kMaxDepth || value.toJSON !== undefined)
            return false;
        var i, element;
        if (isArray(value)) {
            if (getPrototype(value) !== arrayPrototype)
                return false;
            for (i = 0; i < value.length; ++i) {
                element = value[i];
                type = typeof element;
                // Primitives inline: a call per value costs more than the rest of the check.
                if (type === "object" ? element !== null && !isPlain(element, depth + 1)
                                      : type !== "string" && type !== "number" && type !== "boolean" && type !== "undefined")
                    return false;
            }
            return true;
        }
        if (getPrototype(value) !== objectPrototype)
            return false;
        var names = ownNames(value);
        if (names.length !== objectKeys(value).length || ownSymbols(value).length > 0)
            return false;
        for (i = 0; i < names.length; ++i) {
            element = value[names[i]];
            type = typeof element;
            if (type === "object" ? element !== null && !isPlain(element, depth + 1)
                                  : type !== "string" && type !== "number" && type !== "boolean" && type !== "undefined")
                return false;
        }
        return true;
    }

    // The stored text of a state; null means "no state" (null or undefined).
    function serialize(value) {
        if (value === null || value === undefined)
            return null;
        var text = isPlain(value, 0) ? stringify(value) : serializeValue(value, 0, []);
        return text === undefined ? null : text;
    }

    // QV4 prints every function as "[native code]", so only bound functions can be told apart (by their
    // name); built-in functions passed as handlers are accepted (docs/projections.md, "Differences").
    function isScriptFunction(value) {
        if (typeof value !== "function")
            return false;
        var name = value.name;
        return typeof name !== "string" || (name !== "__bound function__" && applyFunction(stringIndexOf, name, ["bound "]) !== 0);
    }

    // ---- what the script declares (sections 2, 3, 5, 8, 11) ----

    var definition = {
        all: false,
        streams: [],
        categories: [],
        selectorCalled: false,
        foreachStream: false,
        partitionBy: null,
        handlers: new MapType(), // event type -> function
        any: null,
        init: null,
        initShared: null,
        created: null,
        deleted: null,
        allEvents: false, // the event-type filter: true delivers every event
        typedFilter: false,
        bothFilters: false,
        outputState: false,
        definesStateTransform: false,
        chain: [], // {transform: f} or {filter: f}
        resultStreamName: null,
        outputToPattern: null,
        options: { includeLinks: false, reorderEvents: false, processingLag: 0, biState: false },
        reducer: null
    };

    // One chain object; each call swaps the set of methods it offers (the table in section 2).
    var chain = {};
    var chainMethods = {};
    function offer(names) {
        var existing = ownNames(chain);
        for (var i = 0; i < existing.length; ++i)
            delete chain[existing[i]];
        for (var n = 0; n < names.length; ++n)
            defineProperty(chain, names[n], { value: chainMethods[names[n]], writable: false, enumerable: false, configurable: true });
        return chain;
    }

    function registerHandler(key, handler) {
        if (key === "$init") definition.init = handler;
        else if (key === "$initShared") definition.initShared = handler;
        else if (key === "$created") definition.created = handler;
        else if (key === "$deleted") definition.deleted = handler;
        else if (key === "$any") {
            definition.any = handler;
            if (definition.typedFilter)
                definition.bothFilters = true;
            definition.allEvents = true;
        } else {
            definition.handlers.set(key, handler);
            // A typed key switches the source back to "these types" (the $any caveat in section 5).
            definition.allEvents = false;
            definition.typedFilter = true;
        }
    }

    chainMethods.when = function (handlers) {
        if (handlers !== null && typeof handlers === "object") {
            var keys = ownNames(handlers);
            for (var i = 0; i < keys.length; ++i) {
                var descriptor = ownDescriptor(handlers, keys[i]);
                if (descriptor.get !== undefined || descriptor.set !== undefined || !isScriptFunction(descriptor.value))
                    continue;
                registerHandler(keys[i], descriptor.value);
            }
        }
        return offer(["transformBy", "filterBy", "outputState", "outputTo", "$defines_state_transform"]);
    };
    chainMethods.partitionBy = function (byFunction) {
        definition.partitionBy = byFunction;
        return offer(["when"]);
    };
    chainMethods.foreachStream = function () {
        definition.foreachStream = true;
        return offer(["when"]);
    };
    chainMethods.outputState = function () {
        definition.outputState = true;
        return offer(["transformBy", "filterBy", "outputTo"]);
    };
    chainMethods.transformBy = function (by) {
        definition.outputState = true;
        definition.definesStateTransform = true;
        arrayPush.call(definition.chain, { transform: by });
        return offer(["transformBy", "filterBy", "outputState", "outputTo"]);
    };
    chainMethods.filterBy = function (by) {
        definition.outputState = true;
        definition.definesStateTransform = true;
        arrayPush.call(definition.chain, { filter: by });
        return offer(["transformBy", "filterBy", "outputState", "outputTo"]);
    };
    chainMethods.outputTo = function (resultStream, partitionPattern) {
        definition.resultStreamName = resultStream === undefined ? null : StringType(resultStream);
        definition.outputToPattern = partitionPattern === undefined ? null : StringType(partitionPattern);
        return offer([]);
    };
    chainMethods.$defines_state_transform = function () {
        definition.definesStateTransform = true;
        return offer([]);
    };

    function argumentList(args) {
        var list = [];
        for (var i = 0; i < args.length; ++i) {
            if (isArray(args[i])) {
                for (var j = 0; j < args[i].length; ++j)
                    arrayPush.call(list, StringType(args[i][j]));
            } else {
                arrayPush.call(list, StringType(args[i]));
            }
        }
        return list;
    }

    var declarationGlobals = {
        fromAll: function () {
            definition.all = true;
            definition.selectorCalled = true;
            return offer(["when", "partitionBy", "foreachStream", "outputState"]);
        },
        fromCategory: function () {
            var categories = argumentList(arguments);
            if (categories.length === 0)
                return offer([]);
            for (var i = 0; i < categories.length; ++i)
                arrayPush.call(definition.categories, categories[i]);
            definition.selectorCalled = true;
            return offer(["when", "partitionBy", "foreachStream", "outputState"]);
        },
        fromStream: function (stream) {
            arrayPush.call(definition.streams, StringType(stream));
            definition.selectorCalled = true;
            return offer(["when", "partitionBy", "outputState"]);
        },
        fromStreams: function () {
            var streams = argumentList(arguments);
            for (var i = 0; i < streams.length; ++i)
                arrayPush.call(definition.streams, streams[i]);
            definition.selectorCalled = true;
            return offer(["when", "partitionBy", "outputState"]);
        },
        options: function (values) {
            if (values === null || typeof values !== "object")
                return;
            var keys = ownNames(values);
            for (var i = 0; i < keys.length; ++i) {
                var value = values[keys[i]];
                var key = applyFunction(stringToLowerCase, keys[i], []);
                var expect = function (type) {
                    if (typeof value !== type)
                        throw new TypeErrorType("The option '" + keys[i] + "' must be a " + type);
                };
                if (key === "$includelinks") { expect("boolean"); definition.options.includeLinks = value; }
                else if (key === "reorderevents") { expect("boolean"); definition.options.reorderEvents = value; }
                else if (key === "processinglag") { expect("number"); definition.options.processingLag = value; }
                else if (key === "resultstreamname") { expect("string"); definition.resultStreamName = value; }
                else if (key === "bistate") { expect("boolean"); definition.options.biState = value; }
                else throw new ErrorType("Unrecognized option: " + keys[i]);
            }
        },
        on_event: function (eventType, handler) {
            if (arguments.length !== 2 || typeof eventType !== "string" || typeof handler !== "function")
                throw new TypeErrorType("on_event needs (eventType, handler)");
            if (definition.handlers.has(eventType))
                throw new ErrorType("A handler for '" + eventType + "' is already registered");
            registerHandler(eventType, handler);
        },
        on_any: function (handler) {
            if (arguments.length !== 1 || typeof handler !== "function")
                throw new TypeErrorType("on_any needs (handler)");
            registerHandler("$any", handler);
        }
    };
    declarationGlobals.fromCategories = declarationGlobals.fromCategory;

    // ---- log (section 12) ----

    var logLines = [];
    function logText(value) {
        return (value !== null && typeof value === "object") || typeof value === "function" ? serialize(value) : StringType(value);
    }
    function log() {
        if (arguments.length === 0)
            return;
        if (arguments.length === 1) {
            arrayPush.call(logLines, logText(arguments[0]));
            return;
        }
        // The server logs each primitive on its own line, then one line with the objects, writing " ,"
        // before every argument from the third on.
        var objects = "";
        for (var i = 0; i < arguments.length; ++i) {
            if (i > 1)
                objects += " ,";
            var argument = arguments[i];
            if ((argument !== null && typeof argument === "object") || typeof argument === "function")
                objects += serialize(argument);
            else
                arrayPush.call(logLines, StringType(argument));
        }
        arrayPush.call(logLines, objects);
    }

    // ---- emit and links (section 10): captured, never written ----

    var pendingEmits = []; // the current event's, dropped if it faults
    var emitted = []; // committed: [stream, type, data, metadata, causedBy] per emitted event
    var currentEvent = null;

    function nonBlankString(value, what) {
        if (typeof value !== "string" || applyFunction(stringTrim, value, []) === "")
            fault(what + " must be a non-empty string");
    }

    function correlationIdOfCurrent() {
        if (currentEvent === null || !currentEvent.isJson || currentEvent.metadataRaw === null)
            return undefined;
        try {
            var metadata = parseJson(currentEvent.metadataRaw);
            if (metadata !== null && typeof metadata === "object" && applyFunction(hasOwn, metadata, ["$correlationId"]))
                return metadata.$correlationId;
        } catch (e) {
        }
        return undefined;
    }

    // Metadata as the server writes it: the given properties, then the correlation id it propagates.
    function emittedMetadata(properties) {
        var correlation = correlationIdOfCurrent();
        if (properties.length === 0 && correlation === undefined)
            return null;
        var text = "{";
        var hasCorrelation = false;
        for (var i = 0; i < properties.length; ++i) {
            text += (i > 0 ? "," : "") + stringify(properties[i][0]) + ":" + properties[i][1];
            if (properties[i][0] === "$correlationId")
                hasCorrelation = true;
        }
        if (correlation !== undefined && !hasCorrelation)
            text += (properties.length > 0 ? "," : "") + '"$correlationId":' + serialize(correlation);
        return text + "}";
    }

    function pushEmit(stream, type, dataText, metadataText) {
        arrayPush.call(pendingEmits, [stream, type, dataText, metadataText, currentEvent === null ? "" : currentEvent.eventId]);
    }

    var processingGlobals = {
        emit: function (streamId, eventType, body, metadata) {
            nonBlankString(streamId, "emit: the stream id");
            nonBlankString(eventType, "emit: the event type");
            if (body === null || typeof body !== "object")
                fault("emit: the event body must be an object or an array");
            var properties = [];
            if (arguments.length > 3) {
                if (metadata === null || typeof metadata !== "object")
                    fault("emit: the metadata must be an object");
                var keys = ownNames(metadata);
                for (var i = 0; i < keys.length; ++i) {
                    var value = metadata[keys[i]];
                    if (value !== undefined)
                        arrayPush.call(properties, [keys[i], serialize(value)]);
                }
            }
            pushEmit(streamId, eventType, serialize(body), emittedMetadata(properties));
        },
        linkTo: function (streamId, event, metadata) {
            nonBlankString(streamId, "linkTo: the stream id");
            if (event === null || typeof event !== "object" || typeof event.sequenceNumber !== "number" || typeof event.streamId !== "string")
                fault("linkTo: the event must have a numeric sequenceNumber and a string streamId");
            var properties = [];
            if (metadata !== undefined && metadata !== null && typeof metadata === "object") {
                var keys = ownNames(metadata);
                for (var i = 0; i < keys.length; ++i) {
                    var value = metadata[keys[i]];
                    var text;
                    if (value === null || value === undefined) text = "null";
                    else if (typeof value === "string") text = stringify(value);
                    else if (typeof value === "number" || typeof value === "boolean") text = StringType(value);
                    else text = serialize(value);
                    arrayPush.call(properties, [keys[i], text]);
                }
            }
            pushEmit(streamId, "$>", stringify(event.sequenceNumber + "@" + event.streamId), emittedMetadata(properties));
        },
        linkStreamTo: function (streamId, linkedStreamId) {
            if (arguments.length > 2)
                fault("linkStreamTo: metadata is not supported");
            nonBlankString(streamId, "linkStreamTo: the stream id");
            nonBlankString(linkedStreamId, "linkStreamTo: the linked stream id");
            pushEmit(streamId, "$@", stringify(linkedStreamId), emittedMetadata([]));
        },
        copyTo: function () {}
    };

    function setGlobals(names, values) {
        for (var i = 0; i < names.length; ++i)
            defineProperty(global, names[i], { value: values[names[i]], writable: true, enumerable: false, configurable: true });
    }
    function removeGlobals(names) {
        for (var i = 0; i < names.length; ++i)
            delete global[names[i]];
    }

    // ---- the sandbox (section 2): no eval, no Function constructor, no console ----

    function disabled() {
        throw new ErrorType("String compilation is disabled in projections");
    }
    var functionPrototypes = [Function.prototype];
    try {
        arrayPush.call(functionPrototypes, Object.getPrototypeOf(eval("(function* () {})")));
    } catch (e) {
    }
    for (var p = 0; p < functionPrototypes.length; ++p)
        defineProperty(functionPrototypes[p], "constructor", { value: disabled, writable: false, configurable: false });
    disabled.prototype = Function.prototype;
    defineProperty(global, "Function", { value: disabled, writable: false, configurable: false });
    defineProperty(global, "eval", { value: disabled, writable: false, configurable: false });
    if (allowConsole) {
        // An EventScope extension (docs/projections.md, "Differences"): console.log goes to the log lines.
        var consoleLog = function () {
            var parts = [];
            for (var i = 0; i < arguments.length; ++i)
                arrayPush.call(parts, logText(arguments[i]));
            arrayPush.call(logLines, applyFunction(arrayJoin, parts, [" "]));
        };
        setGlobals(["console"], { console: { log: consoleLog, info: consoleLog, warn: consoleLog, error: consoleLog, debug: consoleLog } });
    }

    var declarationNames = ["fromAll", "fromCategory", "fromCategories", "fromStream", "fromStreams", "options", "on_event", "on_any", "log"];
    var processingNames = ["log", "emit", "linkTo", "linkStreamTo", "copyTo"];
    declarationGlobals.log = log;
    processingGlobals.log = log;
    setGlobals(declarationNames, declarationGlobals);

    // ---- processing (sections 4, 5, 6, 8, 9) ----

    // A string-keyed hash map. QV4's Map (Qt 6.4) searches its keys linearly, which made a run over 3,000
    // partitions ten times slower; this one hashes (FNV-1a over UTF-16 units) into growing buckets.
    var imul = Math.imul;
    function StringMap() {
        this.size = 0;
        this.mask = 63;
        this.buckets = new Array(64);
    }
    function hashOf(key) {
        var h = 2166136261;
        for (var i = 0; i < key.length; ++i)
            h = imul(h ^ key.charCodeAt(i), 16777619);
        return h >>> 0;
    }
    // Every method has a twin taking the key's hash, so that process() hashes its partition once per event.
    StringMap.prototype.getHashed = function (key, hash) {
        var bucket = this.buckets[hash & this.mask];
        if (bucket !== undefined) {
            for (var i = 0; i < bucket.length; i += 2) {
                if (bucket[i] === key)
                    return bucket[i + 1];
            }
        }
        return undefined;
    };
    StringMap.prototype.get = function (key) {
        return this.getHashed(key, hashOf(key));
    };
    StringMap.prototype.has = function (key) {
        var bucket = this.buckets[hashOf(key) & this.mask];
        if (bucket !== undefined) {
            for (var i = 0; i < bucket.length; i += 2) {
                if (bucket[i] === key)
                    return true;
            }
        }
        return false;
    };
    StringMap.prototype.setHashed = function (key, hash, value) {
        var index = hash & this.mask;
        var bucket = this.buckets[index];
        if (bucket === undefined) {
            bucket = [];
            this.buckets[index] = bucket;
        }
        for (var i = 0; i < bucket.length; i += 2) {
            if (bucket[i] === key) {
                bucket[i + 1] = value;
                return;
            }
        }
        bucket[bucket.length] = key;
        bucket[bucket.length] = value;
        if (++this.size > this.buckets.length)
            this.grow();
    };
    StringMap.prototype.set = function (key, value) {
        this.setHashed(key, hashOf(key), value);
    };
    StringMap.prototype.grow = function () {
        var old = this.buckets;
        this.buckets = new Array(old.length * 2);
        this.mask = this.buckets.length - 1;
        for (var b = 0; b < old.length; ++b) {
            var bucket = old[b];
            if (bucket === undefined)
                continue;
            for (var i = 0; i < bucket.length; i += 2) {
                var index = hashOf(bucket[i]) & this.mask;
                if (this.buckets[index] === undefined)
                    this.buckets[index] = [];
                var target = this.buckets[index];
                target[target.length] = bucket[i];
                target[target.length] = bucket[i + 1];
            }
        }
    };

    var biState = false;
    var stored = new StringMap(); // partition -> state text, null: no state
    var results = new StringMap(); // partition -> result text, null: no result
    var partitionOrder = []; // partitions in the order of their first event
    var storedBytes = 0;
    var stateByteLimit = 0;
    var sharedKey = "";
    var sharedHash = hashOf(sharedKey);
    var current = undefined; // the partition of the previous event; undefined forces a reload
    var currentHash = 0; // hashOf(current)
    var liveState;
    var liveShared;
    var categoryName = null;
    var eventPrototype = {};
    defineProperty(eventPrototype, "metadata", {
        get: function () {
            var value = this.metadataRaw === null ? null : parseJson(this.metadataRaw);
            defineProperty(this, "metadata", { value: value, writable: true, enumerable: true, configurable: true });
            return value;
        },
        enumerable: false,
        configurable: true
    });

    function netNumberText(number) {
        // .NET writes exponents as E+XX / E-XX, JavaScript as e+X / e-X (section 4).
        var text = StringType(number);
        var e = applyFunction(stringIndexOf, text, ["e"]);
        if (e < 0)
            return text;
        var mantissa = text.substring(0, e);
        var sign = text.charAt(e + 1);
        var digits = text.substring(e + 2);
        return mantissa + "E" + sign + (digits.length < 2 ? "0" + digits : digits);
    }

    function partitionOf(event) {
        if (definition.partitionBy !== null) {
            var key = applyFunction(definition.partitionBy, undefined, [event]);
            if (typeof key === "number")
                key = netNumberText(key);
            if (typeof key !== "string")
                return null;
            if (key === "" && !biState)
                fault("partitionBy returned \"\": the root partition cannot be used in a projection that is not bi-state");
            return key;
        }
        if (definition.foreachStream)
            return event.streamId;
        return "";
    }

    function callInit(handler) {
        return handler === null ? {} : applyFunction(handler, undefined, []);
    }

    function computeResult(value) {
        var steps = definition.chain;
        for (var i = 0; i < steps.length; ++i) {
            if (value === null || value === undefined)
                return null;
            if (steps[i].transform !== undefined) {
                value = applyFunction(steps[i].transform, undefined, [value]);
            } else if (applyFunction(steps[i].filter, undefined, [value]) !== true) {
                return null;
            }
        }
        return serialize(value);
    }

    function textLength(text) {
        return text === undefined || text === null ? 0 : text.length;
    }

    // `previous` is the partition's stored text (undefined: never stored), `hash` its key's hash.
    function checkStateBytes(partition, previous, text, sharedText) {
        if (stateByteLimit <= 0)
            return;
        var total = storedBytes + textLength(text) - textLength(previous);
        if (biState && partition !== sharedKey)
            total += textLength(sharedText) - textLength(stored.getHashed(sharedKey, sharedHash));
        if (total > stateByteLimit)
            fault("The projection's states hold more than " + Math.round(stateByteLimit / 1048576) + " MiB of JSON text");
    }

    function storeHashed(partition, hash, previous, text) {
        storedBytes += textLength(text) - textLength(previous);
        stored.setHashed(partition, hash, text);
    }

    function store(partition, text) {
        var hash = hashOf(partition);
        storeHashed(partition, hash, stored.getHashed(partition, hash), text);
    }

    // Builds the event object (section 7). `body` was built by C++ from the JSON bytes.
    function makeEvent(type, stream, sequenceNumber, eventId, created, isJson, body, bodyRaw, metadataRaw) {
        var event = objectCreate(eventPrototype);
        event.eventType = type;
        event.streamId = stream;
        event.sequenceNumber = sequenceNumber;
        event.eventId = eventId;
        event.created = created;
        event.isJson = isJson;
        event.body = body;
        event.data = body;
        event.bodyRaw = bodyRaw;
        event.metadataRaw = metadataRaw;
        event.linkMetadata = null;
        event.linkMetadataRaw = null;
        event.partition = "";
        event.category = categoryName;
        return event;
    }

    // Returns 0 when the event was not delivered (filtered or no partition), 1 when it was processed, plus 2
    // when emitted events or log lines wait to be taken.
    function process(type, stream, sequenceNumber, eventId, created, isJson, body, bodyRaw, metadataRaw) {
        if (!definition.allEvents && definition.typedFilter && !definition.handlers.has(type))
            return 0;
        var event = makeEvent(type, stream, sequenceNumber, eventId, created, isJson, body, bodyRaw, metadataRaw);
        currentEvent = event;
        pendingEmits = [];
        var partition = partitionOf(event);
        if (partition === null) {
            currentEvent = null;
            return emitted.length > 0 || logLines.length > 0 ? 2 : 0; // partitionBy may have logged
        }
        event.partition = partition;

        var justCreated = false;
        var hash = partition === current ? currentHash : hashOf(partition);
        var previousText = stored.getHashed(partition, hash);
        if (partition !== current) {
            current = undefined;
            if (previousText === undefined || previousText === null) {
                liveState = callInit(definition.init);
                justCreated = true;
            } else {
                liveState = parseJson(previousText);
            }
            if (biState) {
                var sharedText = stored.getHashed(sharedKey, sharedHash);
                liveShared = sharedText === undefined || sharedText === null ? callInit(definition.initShared) : parseJson(sharedText);
            }
            current = partition;
            currentHash = hash;
        }

        var argument = biState ? [liveState, liveShared] : liveState;
        if (justCreated && definition.created !== null) {
            event.category = categoryName === null ? null : "";
            applyFunction(definition.created, undefined, [argument, event]);
            event.category = categoryName;
        }
        var handler = definition.handlers.get(type);
        if (handler === undefined)
            handler = definition.any;
        if (handler !== null) {
            var returned = applyFunction(handler, undefined, [argument, event]);
            if (returned !== undefined)
                argument = returned;
        } else {
            // No handler and no $any: the body replaces the state (26.1.1+).
            argument = isJson ? body : bodyRaw;
        }
        if (biState) {
            if (!isArray(argument) || argument.length < 2)
                fault("A bi-state handler must return [state, sharedState]");
            liveState = argument[0];
            liveShared = argument[1];
        } else {
            liveState = argument;
        }

        // Everything that can fault runs before anything is stored: a faulting event leaves no trace.
        var stateText = serialize(liveState);
        var sharedText2 = biState ? serialize(liveShared) : null;
        var changed = previousText === undefined || previousText !== stateText;
        var resultText;
        if (definition.outputState && changed)
            resultText = definition.chain.length > 0 ? computeResult(biState ? [liveState, liveShared] : liveState) : stateText;
        checkStateBytes(partition, previousText, stateText, sharedText2);
        if (previousText === undefined)
            arrayPush.call(partitionOrder, partition);
        storeHashed(partition, hash, previousText, stateText);
        if (biState)
            store(sharedKey, sharedText2);
        if (resultText !== undefined)
            results.setHashed(partition, hash, resultText);
        for (var i = 0; i < pendingEmits.length; ++i)
            arrayPush.call(emitted, pendingEmits[i]);
        pendingEmits = [];
        currentEvent = null;
        // 2: there are emitted events or log lines to take (so that C++ asks only then).
        return emitted.length > 0 || logLines.length > 0 ? 3 : 1;
    }

    // After a fault: the next event reloads its partition from the stored text, and the faulting event's
    // emits are dropped (section 13: states stay as they were after the previous event).
    function abort() {
        current = undefined;
        pendingEmits = [];
        currentEvent = null;
    }

    function takeEmits() {
        var taken = emitted;
        emitted = [];
        return taken;
    }

    function takeLog() {
        var taken = logLines;
        logLines = [];
        return taken;
    }

    // Called by C++ after the script's top level ran: checks the declaration (start faults, section 13),
    // swaps the globals, and returns what C++ needs to know.
    function finishDeclaration(completion) {
        if (!definition.selectorCalled && definition.handlers.size === 0 && definition.any === null
            && completion !== null && typeof completion === "object"
            && typeof completion.init === "function" && typeof completion.apply === "function") {
            // The plain reducer form: folds one stream (or each stream of a category), per stream.
            definition.reducer = completion;
            definition.init = function () { return applyFunction(completion.init, completion, []); };
            definition.any = function (state, event) { return applyFunction(completion.apply, completion, [state, event]); };
            definition.allEvents = true;
            definition.foreachStream = true;
        } else {
            if (!definition.selectorCalled)
                fault("No source has been configured: call fromAll(), fromStream(), fromStreams() or fromCategory()");
            if (definition.all && (definition.streams.length > 0 || definition.categories.length > 0))
                fault("fromAll() cannot be combined with other sources");
            if (definition.streams.length > 0 && definition.categories.length > 0)
                fault("Streams and categories cannot be mixed as sources");
            if (definition.bothFilters)
                fault("Both AllEvents and specific event filters cannot be set");
            if (definition.foreachStream && definition.categories.length > 1)
                fault("foreachStream() cannot be used with a source that is read as several streams");
            biState = definition.initShared !== null || definition.options.biState;
            if (definition.deleted !== null && (!definition.foreachStream || biState))
                fault("$deleted needs foreachStream() and cannot be used in a bi-state projection");
            if (definition.options.reorderEvents && (definition.streams.length < 2 || definition.options.processingLag < 50))
                fault("reorderEvents needs fromStreams() with two or more streams and a processingLag of at least 50 ms");
            if (definition.handlers.size === 0 && definition.any === null)
                definition.allEvents = true;
        }
        if (definition.categories.length === 1 && !definition.all)
            categoryName = definition.categories[0];
        removeGlobals(declarationNames);
        setGlobals(processingNames, processingGlobals);
        return {
            all: definition.all,
            streams: definition.streams,
            categories: definition.categories,
            foreachStream: definition.foreachStream,
            partitioned: definition.foreachStream || definition.partitionBy !== null,
            biState: biState,
            reducer: definition.reducer !== null,
            outputState: definition.outputState,
            definesStateTransform: definition.definesStateTransform,
            resultStreamName: definition.resultStreamName,
            includeLinks: definition.options.includeLinks,
            reorderEvents: definition.options.reorderEvents,
            processingLag: definition.options.processingLag,
            handlerTypes: arrayFrom(definition.handlers.keys()),
            allEvents: definition.allEvents
        };
    }

    return {
        finishDeclaration: finishDeclaration,
        process: process,
        abort: abort,
        // The next event reloads its partition's state from the stored text, as after a partition switch.
        reload: function () { current = undefined; },
        takeEmits: takeEmits,
        takeLog: takeLog,
        partitions: function () { return partitionOrder.slice(); },
        stateText: function (partition) { var t = stored.get(partition); return t === undefined ? null : t; },
        resultText: function (partition) { var t = results.get(partition); return t === undefined ? null : t; },
        hasPartition: function (partition) { return stored.has(partition); },
        setStateText: function (partition, text) {
            if (!stored.has(partition))
                arrayPush.call(partitionOrder, partition);
            store(partition, text);
            current = undefined;
        },
        setResultText: function (partition, text) { results.set(partition, text); },
        reset: function () {
            stored = new StringMap();
            results = new StringMap();
            partitionOrder = [];
            storedBytes = 0;
            current = undefined;
            pendingEmits = [];
            emitted = [];
            logLines = [];
        },
        setStateByteLimit: function (bytes) { stateByteLimit = bytes; },
        // The handler about to run, so that a time-out can name where it was declared.
        handlerKeyFor: function (type) {
            if (definition.reducer !== null) return "apply";
            return definition.handlers.has(type) ? type : (definition.any !== null ? "$any" : "");
        }
    };
})
