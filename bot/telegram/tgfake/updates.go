package tgfake

import (
	"encoding/json"
	"time"
)

// TextUpdate is an Update JSON object (without update_id, which
// PushUpdate assigns) for a text message from a private chat whose id is
// also the sender's user id.
func TextUpdate(chatID int64, messageID int, text string) string {
	return marshal(map[string]any{
		"message": map[string]any{
			"message_id": messageID,
			"from":       user(chatID),
			"chat":       chat(chatID),
			"date":       time.Now().Unix(),
			"text":       text,
		},
	})
}

// CallbackUpdate is an Update JSON object (without update_id) for a
// button press with callback data on the bot's message messageID.
func CallbackUpdate(chatID int64, messageID int, callbackID, data string) string {
	return marshal(map[string]any{
		"callback_query": map[string]any{
			"id":            callbackID,
			"from":          user(chatID),
			"chat_instance": "-1234567890123456789",
			"data":          data,
			"message": map[string]any{
				"message_id": messageID,
				"from":       botUser(),
				"chat":       chat(chatID),
				"date":       time.Now().Unix(),
				"text":       "question",
			},
		},
	})
}

func user(id int64) map[string]any {
	return map[string]any{"id": id, "is_bot": false, "first_name": "Test", "language_code": "en"}
}

func chat(id int64) map[string]any {
	return map[string]any{"id": id, "first_name": "Test", "type": "private"}
}

func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
