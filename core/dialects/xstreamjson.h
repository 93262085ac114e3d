#pragma once

#include <QByteArray>

#include <optional>

namespace EventScope {

// XStream XML (Axon 4's default serializer) as compact JSON, so that a snapshot Axon stored as XML compares with a
// projection's state like any other snapshot. XStream writes no JSON types, so the mapping is a reading, not a
// round trip:
// - an element with child elements is an object, its children keys in document order; sibling elements with the
//   same name (a collection's members) are one array at the first one's place. A collection with a single member
//   is therefore a plain value, as XStream's XML cannot tell it from a field.
// - an element holding only text is a string, a number when the text is a JSON number literal as written ("10",
//   "-2.5e3"; not "007", " 1" or "NaN"), a boolean when it is exactly "true" or "false". The text of an element
//   named or typed `string` or `char` (XStream's aliases of String and Character, as in a map's
//   `<string>42</string>`) stays a string, an empty one too.
// - an empty element is null, or an object of its attributes when it has some (`{"@class": …}`). XStream leaves
//   null fields out, so an empty element is an empty String, collection or object; with no type to say which, it
//   reads as null (`<null/>`, XStream's null in a collection or as the whole document, is null too).
// - attributes are "@name" keys holding their text: `class` (XStream's type hint) becomes "@class", `reference`
//   "@reference". The root element's name is the object's class, and goes to "@class" unless a class attribute
//   says otherwise. A text element is its value alone: its class hint (`<value class="int">`)
//   is what the JSON value's type says, and its other attributes (a shadowed field's `defined-in`) are left out.
// - element and attribute names are decoded as XStream encodes them: "_-" is '$', "__" is '_'
//   (com.example.Notifications_-Sent is com.example.Notifications$Sent).
// nullopt when the bytes are not well-formed XML, or are XML that XStream does not write (text beside child
// elements, an entity the reader cannot expand, nesting deeper than 256 levels).
std::optional<QByteArray> xstreamToJson(const QByteArray& xml);

} // namespace EventScope
