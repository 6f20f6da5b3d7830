// Go encoding/json syntax-error texts, as json.Unmarshal reports them (these reach clients in exec errors).
import { describe, expect, it } from "vitest";
import { decodeWsJson, goJsonSyntaxError } from "./exec-go-json.js";
import { parseCommandJson } from "./exec-params.js";

describe("goJsonSyntaxError", () => {
  it.each([
    ['["/bin/sh","-c","echo hi"]', undefined],
    [' {"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"]} ', undefined],
    ["", "unexpected end of JSON input"],
    ["[", "unexpected end of JSON input"],
    ['["a"', "unexpected end of JSON input"],
    ["oops", "invalid character 'o' looking for beginning of value"],
    ["not json", "invalid character 'o' in literal null (expecting 'u')"],
    ["tru", "invalid character ' ' in literal true (expecting 'e')"],
    ["-", "invalid character ' ' in numeric literal"],
    ["1.", "invalid character ' ' after decimal point in numeric literal"],
    ["1e", "invalid character ' ' in exponent of numeric literal"],
    ["[1,]", "invalid character ']' looking for beginning of value"],
    ['["a" "b"]', "invalid character '\"' after array element"],
    ['["a"]x', "invalid character 'x' after top-level value"],
    ["{a}", "invalid character 'a' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ["'ls'", "invalid character '\\'' looking for beginning of value"],
  ])("%j → %s", (input, expected) => {
    expect(goJsonSyntaxError(input)).toBe(expected);
  });

  it("feeds parseCommandJson and the WebSocket decoder", () => {
    expect(parseCommandJson("[1]")).toEqual({ ok: false, error: "json: cannot unmarshal number into Go value of type string" });
    expect(parseCommandJson('{"a":1}')).toEqual({
      ok: false,
      error: "json: cannot unmarshal object into Go value of type []string",
    });
    expect(parseCommandJson('["a",null]')).toEqual({ ok: true, value: ["a", ""] });
    expect(decodeWsJson('{"stdin":')).toEqual({ ok: false, error: "unexpected EOF" });
    expect(decodeWsJson("{}")).toEqual({ ok: true, value: {} });
  });
});
