// The EventStoreDB / KurrentDB projection language, as the server's Jint runtime (V1 engine, 26.1.1+) runs it.
// ProjectionEngine runs this file once per V8 isolate; it evaluates to a function that installs the declaration
// globals and returns the runtime's API to C++. Everything the user's script could replace (JSON, Object, Array, ...)
// is captured here first, so a script cannot change how states are stored.
// docs/projections.md and ../shared/reference/projection-language.md explain each rule; section numbers below refer
// to the latter.
//
// `natives` comes from C++: allowConsole; `control`, an Int32Array C++ reads while a call runs (kProgress: the index
// of the event being processed, for the watchdog; kCreatedPhase: non-zero while $created runs; kRunning: which of the
// script's functions runs, for a time-out's line; kOutput: whether emitted events or log lines wait);
// `eventPrototype`, the prototype of the event objects C++ makes; `isScriptFunction(f)`; `setPartition(event, key)`.
(function (global, natives) {
    "use strict";

    var kProgress = 0;
    var kCreatedPhase = 1;
    var kRunning = 2;
    var kOutput = 3;
    // control[kOutput] bits: what waits to be taken, so that C++ calls takeEmits and takeLog only then.
    var kEmitsWaiting = 1;
    var kLogWaiting = 2;
    // kRunning values besides a typed handler's index (C++ maps them to the function's line).
    var kRunsNothing = -1;
    var kRunsAny = -10;
    var kRunsInit = -11;
    var kRunsInitShared = -12;
    var kRunsCreated = -13;
    var kRunsPartitionBy = -14;
    var kRunsResultChain = -15;
    var kRunsPredicate = -20;
    var control = natives.control;
    var eventPrototype = natives.eventPrototype;
    var setEventPartition = natives.setPartition;
    var allowConsole = natives.allowConsole;

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
    // Methods called as functions of their receiver, so that a script replacing Map.prototype.get or
    // Function.prototype.call cannot reach into the runtime (the primordials pattern of node's own internals).
    var uncurryThis = Function.prototype.bind.bind(Function.prototype.call);
    var mapGet = uncurryThis(Map.prototype.get);
    var mapSet = uncurryThis(Map.prototype.set);
    var mapHas = uncurryThis(Map.prototype.has);
    var hasOwnProperty = uncurryThis(Object.prototype.hasOwnProperty);
    var reflectOwnKeys = Reflect.ownKeys;
    var stringTrim = String.prototype.trim;
    var stringToLowerCase = String.prototype.toLowerCase;
    var stringIndexOf = String.prototype.indexOf;
    var push = uncurryThis(Array.prototype.push);
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
            if (getPrototype(value) === eventPrototype) {
                // An event stored in a state is written whole, the four fields made on first read included (section 7).
                void value.body;
                void value.metadata;
                void value.linkMetadata;
            }
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
    // Reading the descriptors of every property costs more than the stringify itself: this check lets most states
    // skip them. Its blind spot: an enumerable getter written in an object literal is read instead of refused
    // (docs/projections.md, "Differences").
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
        // Every own key is an enumerable string key when the for-in below (own keys only, checked) counts as many keys
        // as the object has in all (symbols and non-enumerable names included): one array instead of three.
        var count = 0;
        for (var key in value) {
            if (!hasOwnProperty(value, key))
                return false;
            ++count;
            element = value[key];
            type = typeof element;
            if (type === "object" ? element !== null && !isPlain(element, depth + 1)
                                  : type !== "string" && type !== "number" && type !== "boolean" && type !== "undefined")
                return false;
        }
        return count === reflectOwnKeys(value).length;
    }

    // The stored text of a state; null means "no state" (null or undefined).
    function serialize(value) {
        if (value === null || value === undefined)
            return null;
        var text = isPlain(value, 0) ? stringify(value) : serializeValue(value, 0, []);
        return text === undefined ? null : text;
    }

    // Only functions written in the script count as handlers: bound functions and built-ins are ignored (section 5).
    function isScriptFunction(value) {
        return typeof value === "function" && natives.isScriptFunction(value);
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
            mapSet(definition.handlers, key, handler);
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
        push(definition.chain, { transform: by });
        return offer(["transformBy", "filterBy", "outputState", "outputTo"]);
    };
    chainMethods.filterBy = function (by) {
        definition.outputState = true;
        definition.definesStateTransform = true;
        push(definition.chain, { filter: by });
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
                    push(list, StringType(args[i][j]));
            } else {
                push(list, StringType(args[i]));
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
                push(definition.categories, categories[i]);
            definition.selectorCalled = true;
            return offer(["when", "partitionBy", "foreachStream", "outputState"]);
        },
        fromStream: function (stream) {
            push(definition.streams, StringType(stream));
            definition.selectorCalled = true;
            return offer(["when", "partitionBy", "outputState"]);
        },
        fromStreams: function () {
            var streams = argumentList(arguments);
            for (var i = 0; i < streams.length; ++i)
                push(definition.streams, streams[i]);
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
            if (mapHas(definition.handlers, eventType))
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

    var logLines = []; // flat: the index of the event in its batch (-1: none), then the line
    var currentIndex = -1; // the event being processed, in its batch
    function pushLog(text) {
        push(logLines, currentIndex, text);
        control[kOutput] |= kLogWaiting;
    }
    function logText(value) {
        return (value !== null && typeof value === "object") || typeof value === "function" ? serialize(value) : StringType(value);
    }
    function log() {
        if (arguments.length === 0)
            return;
        if (arguments.length === 1) {
            pushLog(logText(arguments[0]));
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
                pushLog(StringType(argument));
        }
        pushLog(objects);
    }

    // ---- emit and links (section 10): captured, never written ----

    var pendingEmits = []; // the current event's, dropped if it faults
    var emitted = []; // committed: [stream, type, data, metadata, causedBy, index of the event in its batch]
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
        push(pendingEmits, [stream, type, dataText, metadataText, currentEvent === null ? "" : currentEvent.eventId, currentIndex]);
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
                        push(properties, [keys[i], serialize(value)]);
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
                    push(properties, [keys[i], text]);
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

    // ---- the sandbox (section 2): no console; `eval` and `new Function` are refused by the context itself ----

    // V8 has a console of its own that prints nowhere; the server has none, so console.log is a ReferenceError.
    delete global.console;
    if (allowConsole) {
        // An EventScope extension (docs/projections.md, "Differences"): console.log goes to the log lines.
        var consoleLog = function () {
            var parts = [];
            for (var i = 0; i < arguments.length; ++i)
                push(parts, logText(arguments[i]));
            pushLog(applyFunction(arrayJoin, parts, [" "]));
        };
        setGlobals(["console"], { console: { log: consoleLog, info: consoleLog, warn: consoleLog, error: consoleLog, debug: consoleLog } });
    }

    var declarationNames = ["fromAll", "fromCategory", "fromCategories", "fromStream", "fromStreams", "options", "on_event", "on_any", "log"];
    var processingNames = ["log", "emit", "linkTo", "linkStreamTo", "copyTo"];
    declarationGlobals.log = log;
    processingGlobals.log = log;
    setGlobals(declarationNames, declarationGlobals);

    // ---- processing (sections 4, 5, 6, 8, 9) ----

    var biState = false;
    var stored = new MapType(); // partition -> state text, null: no state
    var results = new MapType(); // partition -> result text, null: no result
    var partitionOrder = []; // partitions in the order of their first event
    var storedBytes = 0;
    var stateByteLimit = 0;
    var sharedKey = "";
    var current = undefined; // the partition of the previous event; undefined forces a reload
    var liveState;
    var liveShared;
    var handlerList = []; // typed handlers, in the order C++ got their types (it passes an index per event)
    var lastHandlers = new MapType(); // partition -> what applied its last event (a kRunning value): "which code ran"

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

    // The partition partitionBy picks for an event; null: the event is skipped.
    function partitionByKey(event) {
        control[kRunning] = kRunsPartitionBy;
        var key = applyFunction(definition.partitionBy, undefined, [event]);
        if (typeof key === "number")
            key = netNumberText(key);
        if (typeof key !== "string")
            return null;
        if (key === "" && !biState)
            fault("partitionBy returned \"\": the root partition cannot be used in a projection that is not bi-state");
        return key;
    }

    function callInit(handler, running) {
        if (handler === null)
            return {};
        control[kRunning] = running;
        return applyFunction(handler, undefined, []);
    }

    function computeResult(value) {
        var steps = definition.chain;
        control[kRunning] = kRunsResultChain;
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

    // `previous` is the partition's stored text (undefined: never stored).
    function checkStateBytes(partition, previous, text, sharedText) {
        if (stateByteLimit <= 0)
            return;
        var total = storedBytes + textLength(text) - textLength(previous);
        if (biState && partition !== sharedKey)
            total += textLength(sharedText) - textLength(mapGet(stored, sharedKey));
        if (total > stateByteLimit)
            fault("The projection's states hold more than " + Math.round(stateByteLimit / 1048576) + " MiB of JSON text");
    }

    function store(partition, previous, text) {
        storedBytes += textLength(text) - textLength(previous);
        mapSet(stored, partition, text);
    }

    // One delivered event (C++ filtered the types the projection does not handle). `key` is its partition when C++
    // knows it (the stream, the root, or a key another engine's partitionBy chose), undefined for partitionBy to pick.
    // `handlerIndex` is the typed handler for its type, or -1. Returns whether the event had a partition.
    function processOne(event, key, handlerIndex) {
        currentEvent = event;
        pendingEmits = [];
        var partition = key;
        if (partition === undefined) {
            partition = partitionByKey(event);
            if (partition === null) {
                currentEvent = null;
                return false;
            }
            setEventPartition(event, partition);
        }

        var justCreated = false;
        var previousText = mapGet(stored, partition);
        if (partition !== current) {
            current = undefined;
            if (previousText === undefined || previousText === null) {
                liveState = callInit(definition.init, kRunsInit);
                justCreated = true;
            } else {
                liveState = parseJson(previousText);
            }
            if (biState) {
                var sharedText = mapGet(stored, sharedKey);
                liveShared = sharedText === undefined || sharedText === null ? callInit(definition.initShared, kRunsInitShared) : parseJson(sharedText);
            }
            current = partition;
        }

        var argument = biState ? [liveState, liveShared] : liveState;
        if (justCreated && definition.created !== null) {
            control[kRunning] = kRunsCreated;
            control[kCreatedPhase] = 1;
            try {
                applyFunction(definition.created, undefined, [argument, event]);
            } finally {
                control[kCreatedPhase] = 0;
            }
        }
        var handler = handlerIndex >= 0 ? handlerList[handlerIndex] : definition.any;
        if (handler !== null) {
            control[kRunning] = handlerIndex >= 0 ? handlerIndex : kRunsAny;
            var returned = applyFunction(handler, undefined, [argument, event]);
            if (returned !== undefined)
                argument = returned;
        } else {
            // No handler and no $any: the body replaces the state (26.1.1+): the parsed body, or the text.
            argument = event.isJson ? event.body : event.bodyRaw;
        }
        control[kRunning] = kRunsNothing;
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
        control[kRunning] = kRunsNothing;
        checkStateBytes(partition, previousText, stateText, sharedText2);
        if (previousText === undefined)
            push(partitionOrder, partition);
        store(partition, previousText, stateText);
        if (biState)
            store(sharedKey, mapGet(stored, sharedKey), sharedText2);
        if (resultText !== undefined)
            mapSet(results, partition, resultText);
        mapSet(lastHandlers, partition, handlerIndex >= 0 ? handlerIndex : handler !== null ? kRunsAny : kRunsNothing);
        for (var i = 0; i < pendingEmits.length; ++i)
            push(emitted, pendingEmits[i]);
        if (pendingEmits.length > 0)
            control[kOutput] |= kEmitsWaiting;
        pendingEmits = [];
        currentEvent = null;
        return true;
    }

    // Feeds `count` events. `info` holds three Int32 per event: flags in (1: reload its state from the stored text
    // first, as after another partition's event; 2: `keys[i]` is its partition) and out (4: it had a partition), its
    // typed handler's index or -1, and its index in the caller's batch (what its output is tagged with). A fault
    // propagates; control[kProgress] says which event it was.
    function processBatch(events, keys, info, count) {
        for (var i = 0; i < count; ++i) {
            control[kProgress] = i;
            currentIndex = info[3 * i + 2];
            var flags = info[3 * i];
            if ((flags & 1) !== 0)
                current = undefined;
            if (processOne(events[i], (flags & 2) !== 0 ? keys[i] : undefined, info[3 * i + 1]))
                info[3 * i] = flags | 4;
        }
        currentIndex = -1;
        return count;
    }

    // partitionBy alone over `count` events, for an engine that deals events to others by partition: the key of
    // each (null: skipped). `info` as in processBatch (only the index in the caller's batch is read). Faults
    // propagate as in processBatch.
    function partitionKeys(events, info, count) {
        var keys = new Array(count);
        for (var i = 0; i < count; ++i) {
            control[kProgress] = i;
            currentIndex = info[3 * i + 2];
            currentEvent = events[i];
            keys[i] = partitionByKey(events[i]);
            currentEvent = null;
        }
        currentIndex = -1;
        control[kRunning] = kRunsNothing;
        return keys;
    }

    // After a fault: the next event reloads its partition from the stored text, and the faulting event's
    // emits are dropped (section 13: states stay as they were after the previous event).
    function abort() {
        current = undefined;
        pendingEmits = [];
        currentEvent = null;
        control[kRunning] = kRunsNothing;
        control[kCreatedPhase] = 0;
    }

    function takeEmits() {
        var taken = emitted;
        emitted = [];
        control[kOutput] &= ~kEmitsWaiting;
        return taken;
    }

    function takeLog() {
        var taken = logLines;
        logLines = [];
        control[kOutput] &= ~kLogWaiting;
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
        var handlerTypes = arrayFrom(definition.handlers.keys());
        handlerList = arrayFrom(definition.handlers.values());
        removeGlobals(declarationNames);
        setGlobals(processingNames, processingGlobals);
        var reducer = definition.reducer;
        return {
            all: definition.all,
            streams: definition.streams,
            categories: definition.categories,
            category: definition.categories.length === 1 && !definition.all ? definition.categories[0] : null,
            foreachStream: definition.foreachStream,
            partitioned: definition.foreachStream || definition.partitionBy !== null,
            partitionBy: definition.partitionBy !== null,
            biState: biState,
            reducer: reducer !== null,
            outputState: definition.outputState,
            definesStateTransform: definition.definesStateTransform,
            resultStreamName: definition.resultStreamName,
            includeLinks: definition.options.includeLinks,
            reorderEvents: definition.options.reorderEvents,
            processingLag: definition.options.processingLag,
            handlerTypes: handlerTypes,
            allEvents: definition.allEvents,
            // The functions written in the script, so that C++ can say where each one is (which code ran).
            functions: {
                handlers: handlerList,
                any: reducer !== null ? reducer.apply : definition.any,
                init: reducer !== null ? reducer.init : definition.init,
                initShared: definition.initShared,
                created: definition.created,
                partitionBy: definition.partitionBy
            }
        };
    }

    // Time travel's "find first where": a predicate over a state given as its stored text.
    function testPredicate(predicate, text) {
        control[kRunning] = kRunsPredicate;
        var held = applyFunction(predicate, undefined, [text === null ? null : parseJson(text)]);
        control[kRunning] = kRunsNothing;
        return !!held;
    }

    return {
        finishDeclaration: finishDeclaration,
        processBatch: processBatch,
        partitionKeys: partitionKeys,
        testPredicate: testPredicate,
        abort: abort,
        // The next event reloads its partition's state from the stored text, as after a partition switch.
        reload: function () { current = undefined; },
        takeEmits: takeEmits,
        takeLog: takeLog,
        partitions: function () { return partitionOrder.slice(); },
        stateText: function (partition) { var t = mapGet(stored, partition); return t === undefined ? null : t; },
        resultText: function (partition) { var t = mapGet(results, partition); return t === undefined ? null : t; },
        setStateText: function (partition, text) {
            var previous = mapGet(stored, partition);
            if (previous === undefined)
                push(partitionOrder, partition);
            store(partition, previous, text);
            current = undefined;
        },
        setResultText: function (partition, text) { mapSet(results, partition, text); },
        lastHandler: function (partition) { var h = mapGet(lastHandlers, partition); return h === undefined ? kRunsNothing : h; },
        reset: function () {
            stored = new MapType();
            results = new MapType();
            lastHandlers = new MapType();
            partitionOrder = [];
            storedBytes = 0;
            current = undefined;
            pendingEmits = [];
            emitted = [];
            logLines = [];
            control[kOutput] = 0;
        },
        setStateByteLimit: function (bytes) { stateByteLimit = bytes; }
    };
})
