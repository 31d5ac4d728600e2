#pragma once
/// @file
/// The whole public API of keyscope.
#include "keyscope/version.hpp"
#include "keyscope/error.hpp"
#include "keyscope/http.hpp"
#include "keyscope/result.hpp"
#include "keyscope/models.hpp"
#include "keyscope/time.hpp"
#include "keyscope/codec.hpp"
#include "keyscope/validation.hpp"
#include "keyscope/redact.hpp"
#include "keyscope/utf8.hpp"
#include "keyscope/transport.hpp"
#include "keyscope/options.hpp"
#include "keyscope/client.hpp"
#include "keyscope/analytics.hpp"
#include "keyscope/logs.hpp"
#ifndef __EMSCRIPTEN__
#include "keyscope/curl_transport.hpp"
#endif
