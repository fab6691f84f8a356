module uart_tx (
    input clk,
    input start,
    input [7:0] data,
    output reg tx,
    output reg busy
);
    reg [3:0] bit_idx;
    reg [9:0] shift;

    always @(posedge clk) begin
        if (start && !busy) begin
            shift <= {1'b1, data, 1'b0};
            bit_idx <= 0;
            busy <= 1;
        end else if (busy) begin
            tx <= shift[bit_idx];
            bit_idx <= bit_idx + 1;
            if (bit_idx == 9) busy <= 0;
        end
    end
endmodule
